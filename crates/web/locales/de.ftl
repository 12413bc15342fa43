## Navigation
nav-skip = Zum Inhalt springen
nav-main = Hauptnavigation
nav-accounts = Unternehmen
nav-admin = Verwaltung
nav-profile = Mein Profil
nav-logout = Abmelden

## Sign-in and setup
login-title = Anmelden
login-submit = Anmelden
login-invalid = E-Mail-Adresse oder Passwort ist falsch.
login-locked = Zu viele Fehlversuche. Das Konto ist bis { $until } gesperrt.
login-rate-limited = Zu viele Anmeldeversuche von dieser Adresse. Bitte warten Sie eine Minute.
setup-title = Tandem einrichten
setup-intro = Legen Sie Ihren Arbeitsbereich und das erste Administratorkonto an. Weitere Kolleginnen und Kollegen laden Sie danach unter „Verwaltung“ ein.
setup-submit = Arbeitsbereich anlegen
password-hint = Mindestens 10 Zeichen.
form-has-errors = Bitte prüfen Sie die markierten Felder.

## Notices
notice-created = Angelegt.
notice-saved = Gespeichert.
notice-deleted = In den Papierkorb verschoben.
notice-restored = Aus dem Papierkorb wiederhergestellt.
notice-password-changed = Ihr Passwort wurde geändert. Andere Geräte sind abgemeldet.
notice-language-changed = Die Sprache wurde geändert.
notice-token-revoked = Der API-Schlüssel wurde widerrufen.
notice-signed-out = Sie sind abgemeldet.

## Fields
field-name = Name
field-legal-form = Rechtsform
field-industry = Branche
field-employees = Mitarbeitende
field-street = Straße und Hausnummer
field-postal-code = PLZ
field-city = Ort
field-country = Land
field-address = Anschrift
field-vat-id = USt-IdNr.
field-website = Website
field-phone = Telefon
field-email = E-Mail
field-tags = Schlagwörter
field-tag = Schlagwort
field-lifecycle = Status
field-owner = Verantwortlich
field-owner-id = Verantwortlich
field-notes = Notizen
field-updated = Geändert
field-password = Passwort
field-workspace-name = Name des Unternehmens (Arbeitsbereich)
field-your-name = Ihr Name
field-role = Rolle
field-team = Team
field-status = Status
field-language = Sprache
field-current-password = Aktuelles Passwort
field-new-password = Neues Passwort
field-confirm-password = Neues Passwort wiederholen
field-initial-password = Erstes Passwort
field-locale = Sprache
field-active = Aktiv
field-team-id = Team
field-password-hash = Passwort
tags-hint = Mehrere Schlagwörter durch Kommas trennen.

## Lifecycle
lifecycle-prospect = Interessent
lifecycle-customer = Kunde
lifecycle-former = Ehemaliger Kunde
lifecycle-partner = Partner

## Roles
role-admin = Administration
role-manager = Vertriebsleitung
role-field = Außendienst
role-inside = Innendienst
role-marketing = Marketing
role-read-only = Nur lesen

## Accounts
accounts-title = Unternehmen
accounts-new = Neues Unternehmen
accounts-edit = Unternehmen bearbeiten
accounts-empty = Keine Unternehmen gefunden. Legen Sie das erste an oder ändern Sie die Filter.
accounts-back-to-list = Zur Liste
account-details = Stammdaten
account-no-details = Noch keine weiteren Angaben.
account-history = Verlauf
account-in-trash = Dieses Unternehmen liegt im Papierkorb.
trash-title = Papierkorb
trash-empty = Der Papierkorb ist leer.
filter-search = Suche
filter-search-placeholder = Name, Ort, PLZ, E-Mail …
filter-more = Weitere Filter
filter-all = Alle
filter-sort = Sortierung
filter-apply = Anwenden
sort-name-asc = Name A–Z
sort-name-desc = Name Z–A
sort-created-desc = Neueste zuerst
sort-created-asc = Älteste zuerst
sort-updated-desc = Zuletzt geändert
sort-updated-asc = Am längsten unverändert
pager-label = Seiten
pager-first = Zum Anfang
pager-next = Weitere
history-create = Angelegt
history-update = Geändert
history-delete = In den Papierkorb verschoben
history-restore = Wiederhergestellt
history-system = System
conflict-explained = Jemand hat dieses Unternehmen geändert, während Sie es bearbeitet haben. Ihre Eingaben sind erhalten; die inzwischen gespeicherten Werte stehen hier. Prüfen Sie und speichern Sie erneut.
conflict-reload = Jemand hat diesen Datensatz inzwischen geändert. Bitte laden Sie die Seite neu.

## Contacts
nav-contacts = Kontakte
contacts-title = Kontakte
contacts-new = Neuer Kontakt
contacts-edit = Kontakt bearbeiten
contacts-none-yet = Noch keine Ansprechpartner.
contacts-empty = Keine Kontakte gefunden.
contacts-trash-title = Papierkorb: Kontakte
contacts-of-account = Ansprechpartner
contacts-add-to-account = Kontakt hinzufügen
contact-in-trash = Dieser Kontakt liegt im Papierkorb.
contact-stale = Daten veraltet
contact-stale-hint = Seit über { $days } Tagen nicht bestätigt.
contact-verified-today = Daten heute bestätigt
contact-consent = Einwilligung
contact-consent-none = Keine Einwilligung erfasst.
contact-consent-email = E-Mail
contact-consent-phone = Telefon
contact-consent-given = Erteilt am { $date }
filter-stale = Nur veraltete Daten
field-salutation = Anrede
field-title = Titel
field-first-name = Vorname
field-last-name = Nachname
field-position = Position
field-account = Unternehmen
field-account-id = Unternehmen
field-emails = E-Mail-Adressen
field-phones = Telefonnummern
field-consent-email = Einwilligung E-Mail
field-consent-phone = Einwilligung Telefon
field-consent-on = Einwilligung erteilt am
field-consent-source = Quelle der Einwilligung
field-verified-on = Daten bestätigt am
lists-hint = Mehrere durch Kommas trennen (höchstens 5).
account-hint = Name des Unternehmens; ein eindeutiger Teil des Namens genügt.
salutation-none = –
salutation-mr = Herr
salutation-ms = Frau
salutation-mx = Divers / neutral
notice-verified = Als heute bestätigt gespeichert.
error-invalid-date = Bitte ein Datum angeben.
error-date-out-of-range = Das Datum liegt in der Zukunft oder zu weit zurück.
error-consent-needs-date = Zu einer Einwilligung gehört das Datum.
error-unknown-account = Dieses Unternehmen gibt es nicht.
error-ambiguous-account = Mehrere Unternehmen passen – bitte genauer angeben.

## Settings
settings-title = Einstellungen
field-contact-stale-days = Kontaktdaten gelten als veraltet nach (Tagen)
settings-stale-hint = Kontakte, deren Daten so lange nicht bestätigt wurden, werden markiert.

## Search
search-title = Suche
search-placeholder = Suchen … (/)
search-submit = Suchen
search-nothing = Nichts gefunden für „{ $q }“.

## Activities
activities-title = Aktivitäten
activities-new = Aktivität erfassen
activities-edit = Aktivität bearbeiten
activities-empty = Noch keine Aktivitäten.
activities-log = Erfassen
activities-key = Schlüsselgespräch
activities-subject-placeholder = Worum ging es? (eine Zeile genügt)
activities-summary-placeholder = Bericht (optional)
activity-kind-call = Anruf
activity-kind-meeting = Termin
activity-kind-visit = Besuch
activity-kind-email = E-Mail
activity-kind-note = Notiz
field-kind = Art
field-subject = Betreff
field-occurred-at = Wann
field-duration-minutes = Dauer (Minuten)
field-summary = Bericht
field-outcome = Ergebnis
field-next-step = Nächster Schritt
field-key-conversation = Schlüsselgespräch
field-contact-id = Kontakt
notice-logged = Aktivität erfasst.
confirm-delete-activity = Diese Aktivität in den Papierkorb verschieben?
error-unknown-contact = Diesen Kontakt gibt es nicht.

## Tasks
nav-tasks = Aufgaben
tasks-title = Aufgaben
tasks-new = Aufgabe anlegen
tasks-overdue = Überfällig
tasks-today = Heute
tasks-later = Demnächst
tasks-undated = Ohne Termin
tasks-done = Erledigt
tasks-open = Offene Aufgaben
tasks-is-done = erledigt
tasks-none = Keine offenen Aufgaben.
tasks-none-done = Noch nichts erledigt.
tasks-everyone = Alle
tasks-complete = Erledigt
tasks-reopen = Wieder öffnen
tasks-title-placeholder = Neue Aufgabe …
field-title-task = Aufgabe
field-due-on = Fällig am
field-priority = Priorität
field-assignee = Zuständig
field-assignee-id = Zuständig
field-recurrence = Wiederholung
field-done = Erledigt
priority-high = Hoch
priority-normal = Normal
priority-low = Niedrig
recurrence-none = Keine
recurrence-daily = Täglich
recurrence-weekly = Wöchentlich
recurrence-monthly = Monatlich
notice-done = Erledigt.
confirm-delete-task = Diese Aufgabe in den Papierkorb verschieben?
error-recurrence-needs-due-date = Eine wiederkehrende Aufgabe braucht ein Fälligkeitsdatum.

## Actions
action-edit = Bearbeiten
action-delete = Löschen
action-restore = Wiederherstellen
action-save = Speichern
action-cancel = Abbrechen
action-rename = Umbenennen
action-add = Hinzufügen
action-revoke = Widerrufen
confirm-delete = Dieses Unternehmen in den Papierkorb verschieben?
confirm-delete-team = Dieses Team löschen? Die Mitglieder bleiben erhalten.
confirm-revoke = Diesen API-Schlüssel widerrufen? Programme, die ihn nutzen, verlieren den Zugriff.

## Profile
profile-title = Mein Profil
password-change = Passwort ändern
tokens-title = API-Schlüssel
tokens-intro = Mit einem API-Schlüssel greifen andere Programme in Ihrem Namen auf die Tandem-API zu.
tokens-created = Ihr neuer API-Schlüssel. Kopieren Sie ihn jetzt – er wird nur dieses eine Mal angezeigt.
tokens-created-at = Angelegt
tokens-last-used = Zuletzt benutzt
tokens-name = Name des Schlüssels
tokens-create = Schlüssel erzeugen

## Administration
users-title = Benutzer
users-new = Neuer Benutzer
user-active = Aktiv
user-inactive = Deaktiviert
user-locked-until = Gesperrt bis { $until }
user-password-reset-hint = Leer lassen, um das Passwort zu behalten. Ein neues Passwort hebt auch eine Anmeldesperre auf und meldet alle Geräte ab.
teams-title = Teams
teams-new = Neues Team
teams-members = Mitglieder
teams-empty = Noch keine Teams.
jobs-title = Hintergrundaufgaben
jobs-intro = Aufgaben, die Tandem im Hintergrund erledigt, mit ihren Versuchen und Fehlern.
jobs-empty = Noch keine Aufgaben.
jobs-kind = Art
jobs-attempts = Versuche
jobs-run-at = Fällig
jobs-finished-at = Erledigt
jobs-error = Letzter Fehler
job-status-queued = Wartet
job-status-running = Läuft
job-status-done = Erledigt
job-status-failed = Fehlgeschlagen

## Field errors
error-required = Bitte ausfüllen.
error-too-long = Zu lang.
error-too-many = Zu viele Einträge.
error-out-of-range = Der Wert liegt außerhalb des erlaubten Bereichs.
error-not-a-number = Bitte eine ganze Zahl eingeben.
error-invalid-country = Bitte einen zweistelligen Ländercode angeben, z. B. DE.
error-invalid-postal-code = Diese Postleitzahl passt nicht zum Land (Deutschland: 5 Ziffern).
error-invalid-vat-id = Keine gültige USt-IdNr. (z. B. DE123456789).
error-invalid-url = Keine gültige Webadresse.
error-invalid-phone = Keine gültige Telefonnummer.
error-invalid-email = Keine gültige E-Mail-Adresse.
error-invalid-choice = Dieser Wert ist nicht erlaubt.
error-invalid-type = Falscher Datentyp.
error-invalid-id = Keine gültige ID.
error-invalid-cursor = Ungültiger Seitenzeiger.
error-invalid-name = Der Name braucht Buchstaben oder Ziffern.
error-unknown-field = Unbekanntes Feld.
error-unknown-user = Diese Person gibt es in diesem Arbeitsbereich nicht.
error-unknown-team = Dieses Team gibt es nicht.
error-taken = Dieser Wert ist bereits vergeben.
error-password-too-short = Das Passwort braucht mindestens 10 Zeichen.
error-wrong-password = Das aktuelle Passwort stimmt nicht.
error-passwords-differ = Die beiden Passwörter stimmen nicht überein.
error-last-admin = Der Arbeitsbereich braucht mindestens eine aktive Administration.
error-status = Fehlercode
error-back = Zur Startseite

## Problems (API and error pages)
problem-not-found = Nicht gefunden
problem-not-found-detail = Diese Seite oder diesen Datensatz gibt es nicht, oder Sie dürfen ihn nicht sehen.
problem-unauthenticated = Anmeldung erforderlich
problem-unauthenticated-detail = Bitte melden Sie sich an.
problem-forbidden = Keine Berechtigung
problem-forbidden-detail = Ihre Rolle erlaubt diese Aktion nicht.
problem-csrf = Formular abgelaufen
problem-csrf-detail = Das Formular war nicht mehr gültig. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
problem-invalid = Ungültige Eingabe
problem-invalid-detail = Einige Felder sind ungültig.
problem-conflict = Zwischenzeitlich geändert
problem-conflict-detail = Jemand hat den Datensatz inzwischen geändert. Laden Sie ihn neu und übernehmen Sie Ihre Änderung.
problem-malformed = Fehlerhafte Anfrage
problem-malformed-detail = Die Anfrage konnte nicht gelesen werden.
problem-too-large = Zu groß
problem-too-large-detail = Die Anfrage ist größer als 1 MB.
problem-unsupported-media-type = Falsches Format
problem-unsupported-media-type-detail = Bitte senden Sie JSON (Content-Type: application/json).
problem-rate-limited = Zu viele Anfragen
problem-rate-limited-detail = Bitte warten Sie einen Moment.
problem-internal = Interner Fehler
problem-internal-detail = Etwas ist schiefgegangen. Ihre Daten sind unverändert; bitte versuchen Sie es erneut.

## Deals and pipelines
nav-deals = Deals
deals-title = Deals
deals-new = Neuer Deal
deals-edit = Deal bearbeiten
deals-empty = Keine passenden Deals.
deals-back-to-list = Zurück zu den Deals
deals-search-placeholder = Titel oder Wettbewerber
deal-details = Details
deal-contacts = Kontakte im Deal
deal-no-contacts = Noch keine Kontakte. Wer entscheidet, wer beeinflusst, wer nutzt es?
deal-add-contact = Hinzufügen
deal-remove-contact = { $name } aus dem Deal entfernen
deal-stages = Phasen
deal-move-to = In „{ $stage }“ verschieben
deal-mark-won = Gewonnen
deal-mark-lost = Verloren
deal-reopen = Wieder öffnen
deal-rotting = liegt zu lange
deal-days-in-stage = { $days ->
    [one] 1 Tag in der Phase
   *[other] { $days } Tage in der Phase
}
deal-days = { $days ->
    [one] 1 Tag
   *[other] { $days } Tage
}
deal-probability-from-stage = { $p } (Standard der Phase)
deal-probability-hint = Leer: der Standard der Phase.
deal-exit-refused = Der Deal kann „{ $stage }“ noch nicht verlassen. Es fehlt:
deal-fill-in = Ergänzen
deal-slips = { $count ->
    [one] Abschlussdatum einmal verschoben
   *[other] Abschlussdatum { $count }-mal verschoben
}
deal-stage-history = Phasenverlauf
deal-entered = Erreicht
deal-left = Verlassen
deal-duration = Dauer
deal-history = Verlauf
deal-in-trash = Dieser Deal liegt im Papierkorb.
deal-no-pipeline = Es gibt noch keine Pipeline. Ein Admin legt sie unter Verwaltung → Pipelines an.
deal-lost-price = Preis
deal-lost-competitor = Wettbewerber gewählt
deal-lost-timing = Zeitpunkt / verschoben
deal-lost-no-budget = Kein Budget
deal-lost-no-decision = Keine Entscheidung
deal-status-open = Offen
deal-status-won = Gewonnen
deal-status-lost = Verloren
deal-source-existing_customer = Bestandskunde
deal-source-referral = Empfehlung
deal-source-trade_fair = Messe
deal-source-website = Website
deal-source-marketing = Marketing
deal-source-cold_outreach = Kaltakquise
deal-source-partner = Partner
deal-source-other = Sonstiges
deal-role-decision_maker = Entscheider
deal-role-influencer = Beeinflusser
deal-role-user = Anwender
field-amount = Betrag
field-currency = Währung
field-probability = Wahrscheinlichkeit
field-weighted = Gewichtet
field-expected-close = Erwarteter Abschluss
field-inside-partner = Innendienst-Partner
field-next-step-due = Nächster Schritt fällig
field-source = Quelle
field-competitor = Wettbewerber
field-lost-reason = Verlustgrund
field-closed-at = Abgeschlossen
field-contact = Kontakt
field-pipeline = Pipeline
field-stage = Phase
field-rotting-days = Liegt zu lange nach (Tagen)
field-exit-criteria = Pflicht vor dem Verlassen der Phase
action-remove = Entfernen
notice-moved = Deal verschoben.
pipelines-title = Pipelines
pipelines-intro = Phasen in ihrer Reihenfolge, mit der Wahrscheinlichkeit, für die ein Deal in der Phase steht, den Tagen, nach denen er zu lange liegt, und dem, was ein Deal braucht, bevor er weiter darf.
pipelines-new = Neue Pipeline
pipelines-new-hint = Eine neue Pipeline beginnt mit den Standardphasen; benennen, ordnen oder entfernen Sie sie nach Bedarf.
pipelines-delete = Pipeline löschen
stages-new = Neue Phase
stage-move-up = { $stage } nach oben
stage-move-down = { $stage } nach unten
exit-amount = Betrag
exit-expected-close = Erwartetes Abschlussdatum
exit-next-step = Nächster Schritt
exit-contact = Ein Kontakt
exit-decision-maker = Ein Entscheider
exit-inside-partner = Innendienst-Partner
error-exit-needs-amount = Der Betrag fehlt.
error-exit-needs-expected-close = Das erwartete Abschlussdatum fehlt.
error-exit-needs-next-step = Der nächste Schritt fehlt.
error-exit-needs-contact = Es ist kein Kontakt im Deal.
error-exit-needs-decision-maker = Es ist kein Entscheider im Deal.
error-exit-needs-inside-partner = Es ist kein Innendienst-Partner gesetzt.
error-has-deals = Es liegen noch Deals darin. Verschieben Sie sie zuerst.
error-last-pipeline = Der Arbeitsbereich braucht mindestens eine Pipeline.
error-last-stage = Eine Pipeline braucht mindestens eine Phase.
error-no-pipeline = Es gibt noch keine Pipeline.
error-unknown-pipeline = Diese Pipeline gibt es nicht.
error-unknown-stage = Diese Phase gehört nicht zur Pipeline.
error-unknown-deal = Diesen Deal gibt es nicht.
error-not-an-amount = Bitte einen Betrag angeben, z. B. 12.500,00.
error-unknown-currency = Unbekannte Währung.
error-duplicate = Ein Eintrag kommt doppelt vor.
problem-in-use = Noch in Gebrauch
problem-in-use-detail = Der Datensatz wird noch verwendet und kann nicht entfernt werden.
