## Navigation
nav-skip = Skip to content
nav-main = Main navigation
nav-accounts = Accounts
nav-admin = Administration
nav-profile = My profile
nav-logout = Sign out

## Sign-in and setup
login-title = Sign in
login-submit = Sign in
login-invalid = Email address or password is wrong.
login-locked = Too many failed attempts. The account is locked until { $until }.
login-rate-limited = Too many sign-in attempts from this address. Please wait a minute.
setup-title = Set up Tandem
setup-intro = Create your workspace and the first administrator. Invite your colleagues afterwards under “Administration”.
setup-submit = Create workspace
password-hint = At least 10 characters.
form-has-errors = Please check the marked fields.

## Notices
notice-created = Created.
notice-saved = Saved.
notice-deleted = Moved to the trash.
notice-restored = Restored from the trash.
notice-password-changed = Your password has been changed. Other devices are signed out.
notice-language-changed = The language has been changed.
notice-token-revoked = The API token has been revoked.
notice-signed-out = You are signed out.

## Fields
field-name = Name
field-legal-form = Legal form
field-industry = Industry
field-employees = Employees
field-street = Street
field-postal-code = Postal code
field-city = City
field-country = Country
field-address = Address
field-vat-id = VAT ID
field-website = Website
field-phone = Phone
field-email = Email
field-tags = Tags
field-tag = Tag
field-lifecycle = Lifecycle
field-owner = Owner
field-owner-id = Owner
field-notes = Notes
field-updated = Updated
field-password = Password
field-workspace-name = Company name (workspace)
field-your-name = Your name
field-role = Role
field-team = Team
field-status = Status
field-language = Language
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat new password
field-initial-password = Initial password
field-locale = Language
field-active = Active
field-team-id = Team
field-password-hash = Password
tags-hint = Separate several tags with commas.

## Lifecycle
lifecycle-prospect = Prospect
lifecycle-customer = Customer
lifecycle-former = Former customer
lifecycle-partner = Partner

## Roles
role-admin = Admin
role-manager = Sales manager
role-field = Field sales
role-inside = Inside sales
role-marketing = Marketing
role-read-only = Read only

## Accounts
accounts-title = Accounts
accounts-new = New account
accounts-edit = Edit account
accounts-empty = No accounts found. Create the first one or change the filters.
accounts-back-to-list = Back to the list
account-details = Details
account-no-details = No further details yet.
account-history = History
account-in-trash = This account is in the trash.
trash-title = Trash
trash-empty = The trash is empty.
filter-search = Search
filter-search-placeholder = Name, city, postal code, email …
filter-more = More filters
filter-all = All
filter-sort = Sort
filter-apply = Apply
sort-name-asc = Name A–Z
sort-name-desc = Name Z–A
sort-created-desc = Newest first
sort-created-asc = Oldest first
sort-updated-desc = Recently changed
sort-updated-asc = Longest unchanged
pager-label = Pages
pager-first = First page
pager-next = More
history-create = Created
history-update = Changed
history-delete = Moved to the trash
history-restore = Restored
history-system = System
conflict-explained = Someone changed this account while you were editing it. Your input is kept; the values saved meanwhile are listed here. Check and save again.
conflict-reload = Someone has changed this record meanwhile. Please reload the page.

## Contacts
nav-contacts = Contacts
contacts-title = Contacts
contacts-new = New contact
contacts-edit = Edit contact
contacts-none-yet = No contacts yet.
contacts-empty = No contacts found.
contacts-trash-title = Trash: contacts
contacts-of-account = Contacts
contacts-add-to-account = Add contact
contact-in-trash = This contact is in the trash.
contact-stale = Data stale
contact-stale-hint = Not verified for more than { $days } days.
contact-verified-today = Data verified today
contact-consent = Consent
contact-consent-none = No consent recorded.
contact-consent-email = Email
contact-consent-phone = Phone
contact-consent-given = Given on { $date }
filter-stale = Only stale data
field-salutation = Salutation
field-title = Title
field-first-name = First name
field-last-name = Last name
field-position = Position
field-account = Account
field-account-id = Account
field-emails = Email addresses
field-phones = Phone numbers
field-consent-email = Email consent
field-consent-phone = Phone consent
field-consent-on = Consent given on
field-consent-source = Source of consent
field-verified-on = Data verified on
lists-hint = Separate several with commas (at most 5).
account-hint = The account's name; a unique part of it is enough.
salutation-none = –
salutation-mr = Mr
salutation-ms = Ms
salutation-mx = Neutral
notice-verified = Saved as verified today.
error-invalid-date = Please give a date.
error-date-out-of-range = The date is in the future or too far back.
error-consent-needs-date = A consent needs its date.
error-unknown-account = No such account.
error-ambiguous-account = Several accounts match – please be more specific.

## Settings
settings-title = Settings
field-contact-stale-days = Contact data is stale after (days)
settings-stale-hint = Contacts whose data has not been verified for this long are flagged.

## Search
search-title = Search
search-placeholder = Search … (/)
search-submit = Search
search-nothing = Nothing found for “{ $q }”.

## Activities
activities-title = Activities
activities-new = Log activity
activities-edit = Edit activity
activities-empty = No activities yet.
activities-log = Log
activities-key = Key conversation
activities-subject-placeholder = What was it about? (one line is enough)
activities-summary-placeholder = Report (optional)
activity-kind-call = Call
activity-kind-meeting = Meeting
activity-kind-visit = Visit
activity-kind-email = Email
activity-kind-note = Note
field-kind = Kind
field-subject = Subject
field-occurred-at = When
field-duration-minutes = Duration (minutes)
field-summary = Report
field-outcome = Outcome
field-next-step = Next step
field-key-conversation = Key conversation
field-contact-id = Contact
notice-logged = Activity logged.
confirm-delete-activity = Move this activity to the trash?
error-unknown-contact = No such contact.

## Tasks
nav-tasks = Tasks
tasks-title = Tasks
tasks-new = New task
tasks-overdue = Overdue
tasks-today = Today
tasks-later = Coming up
tasks-undated = No date
tasks-done = Done
tasks-open = Open tasks
tasks-is-done = done
tasks-none = No open tasks.
tasks-none-done = Nothing done yet.
tasks-everyone = Everyone
tasks-complete = Done
tasks-reopen = Reopen
tasks-title-placeholder = New task …
field-title-task = Task
field-due-on = Due on
field-priority = Priority
field-assignee = Assignee
field-assignee-id = Assignee
field-recurrence = Repeats
field-done = Done
priority-high = High
priority-normal = Normal
priority-low = Low
recurrence-none = Never
recurrence-daily = Daily
recurrence-weekly = Weekly
recurrence-monthly = Monthly
notice-done = Done.
confirm-delete-task = Move this task to the trash?
error-recurrence-needs-due-date = A repeating task needs a due date.

## Actions
action-edit = Edit
action-delete = Delete
action-restore = Restore
action-save = Save
action-cancel = Cancel
action-rename = Rename
action-add = Add
action-revoke = Revoke
confirm-delete = Move this account to the trash?
confirm-delete-team = Delete this team? Its members stay.
confirm-revoke = Revoke this API token? Programs using it lose access.

## Profile
profile-title = My profile
password-change = Change password
tokens-title = API tokens
tokens-intro = With an API token, other programs use the Tandem API on your behalf.
tokens-created = Your new API token. Copy it now – it is shown only this once.
tokens-created-at = Created
tokens-last-used = Last used
tokens-name = Token name
tokens-create = Create token

## Administration
users-title = Users
users-new = New user
user-active = Active
user-inactive = Deactivated
user-locked-until = Locked until { $until }
user-password-reset-hint = Leave empty to keep the password. A new password also lifts a sign-in lock and signs out all devices.
teams-title = Teams
teams-new = New team
teams-members = members
teams-empty = No teams yet.
jobs-title = Background jobs
jobs-intro = Work Tandem does in the background, with its attempts and errors.
jobs-empty = No jobs yet.
jobs-kind = Kind
jobs-attempts = Attempts
jobs-run-at = Due
jobs-finished-at = Finished
jobs-error = Last error
job-status-queued = Queued
job-status-running = Running
job-status-done = Done
job-status-failed = Failed

## Field errors
error-required = Please fill in.
error-too-long = Too long.
error-too-many = Too many entries.
error-out-of-range = The value is out of the allowed range.
error-not-a-number = Please enter a whole number.
error-invalid-country = Please give a two-letter country code, e.g. DE.
error-invalid-postal-code = This postal code does not fit the country (Germany: 5 digits).
error-invalid-vat-id = Not a valid VAT ID (e.g. DE123456789).
error-invalid-url = Not a valid web address.
error-invalid-phone = Not a valid phone number.
error-invalid-email = Not a valid email address.
error-invalid-choice = This value is not allowed.
error-invalid-type = Wrong type.
error-invalid-id = Not a valid id.
error-invalid-cursor = Invalid cursor.
error-invalid-name = The name needs letters or digits.
error-unknown-field = Unknown field.
error-unknown-user = No such person in this workspace.
error-unknown-team = No such team.
error-taken = This value is taken already.
error-password-too-short = The password needs at least 10 characters.
error-wrong-password = The current password is wrong.
error-passwords-differ = The two passwords differ.
error-last-admin = The workspace needs at least one active admin.
error-status = Error code
error-back = Go to the start page

## Problems (API and error pages)
problem-not-found = Not found
problem-not-found-detail = This page or record does not exist, or you may not see it.
problem-unauthenticated = Sign-in required
problem-unauthenticated-detail = Please sign in.
problem-forbidden = Forbidden
problem-forbidden-detail = Your role does not allow this action.
problem-csrf = Form expired
problem-csrf-detail = The form was no longer valid. Please reload the page and try again.
problem-invalid = Invalid input
problem-invalid-detail = Some fields are invalid.
problem-conflict = Changed meanwhile
problem-conflict-detail = Someone has changed the record meanwhile. Reload it and apply your change again.
problem-malformed = Malformed request
problem-malformed-detail = The request could not be read.
problem-too-large = Too large
problem-too-large-detail = The request is larger than 1 MB.
problem-unsupported-media-type = Unsupported format
problem-unsupported-media-type-detail = Please send JSON (Content-Type: application/json).
problem-rate-limited = Too many requests
problem-rate-limited-detail = Please wait a moment.
problem-internal = Internal error
problem-internal-detail = Something went wrong. Your data is unchanged; please try again.

## Deals and pipelines
nav-deals = Deals
deals-title = Deals
deals-new = New deal
deals-edit = Edit deal
deals-empty = No deals match.
deals-back-to-list = Back to the deals
deals-search-placeholder = Title or competitor
deal-details = Details
deal-contacts = Contacts on the deal
deal-no-contacts = No contacts yet. Who decides, who influences, who uses it?
deal-add-contact = Add
deal-remove-contact = Remove { $name } from the deal
deal-stages = Stages
deal-move-to = Move to { $stage }
deal-mark-won = Won
deal-mark-lost = Lost
deal-reopen = Reopen
deal-rotting = rotting
deal-days-in-stage = { $days ->
    [one] 1 day in stage
   *[other] { $days } days in stage
}
deal-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
deal-probability-from-stage = { $p } (stage default)
deal-probability-hint = Empty: the stage's default.
deal-exit-refused = The deal cannot leave "{ $stage }" yet. Missing:
deal-fill-in = Fill in
deal-slips = { $count ->
    [one] Close date moved once
   *[other] Close date moved { $count } times
}
deal-stage-history = Stage history
deal-entered = Entered
deal-left = Left
deal-duration = Duration
deal-history = History
deal-in-trash = This deal is in the trash.
deal-no-pipeline = There is no pipeline yet. An admin sets one up under Administration → Pipelines.
deal-lost-price = Price
deal-lost-competitor = Competitor chosen
deal-lost-timing = Timing / postponed
deal-lost-no-budget = No budget
deal-lost-no-decision = No decision
deal-status-open = Open
deal-status-won = Won
deal-status-lost = Lost
deal-source-existing_customer = Existing customer
deal-source-referral = Referral
deal-source-trade_fair = Trade fair
deal-source-website = Website
deal-source-marketing = Marketing
deal-source-cold_outreach = Cold outreach
deal-source-partner = Partner
deal-source-other = Other
deal-role-decision_maker = Decision maker
deal-role-influencer = Influencer
deal-role-user = User
field-amount = Amount
field-currency = Currency
field-probability = Probability
field-weighted = Weighted
field-expected-close = Expected close
field-inside-partner = Inside sales partner
field-next-step-due = Next step due
field-source = Source
field-competitor = Competitor
field-lost-reason = Reason lost
field-closed-at = Closed
field-contact = Contact
field-pipeline = Pipeline
field-stage = Stage
field-rotting-days = Rotting after (days)
field-exit-criteria = Required to leave the stage
action-remove = Remove
notice-moved = Deal moved.
pipelines-title = Pipelines
pipelines-intro = Stages in order, with the probability a deal in the stage stands for, the days after which it counts as rotting, and what a deal needs before it may move on.
pipelines-new = New pipeline
pipelines-new-hint = A new pipeline starts with the standard stages; rename, reorder or remove them as you need.
pipelines-delete = Delete pipeline
stages-new = New stage
stage-move-up = Move { $stage } up
stage-move-down = Move { $stage } down
exit-amount = Amount
exit-expected-close = Expected close date
exit-next-step = Next step
exit-contact = A contact
exit-decision-maker = A decision maker
exit-inside-partner = Inside sales partner
error-exit-needs-amount = The amount is missing.
error-exit-needs-expected-close = The expected close date is missing.
error-exit-needs-next-step = The next step is missing.
error-exit-needs-contact = No contact is on the deal.
error-exit-needs-decision-maker = No decision maker is on the deal.
error-exit-needs-inside-partner = No inside sales partner is set.
error-has-deals = Deals are still in it. Move them first.
error-last-pipeline = The workspace needs at least one pipeline.
error-last-stage = A pipeline needs at least one stage.
error-no-pipeline = There is no pipeline yet.
error-unknown-pipeline = No such pipeline.
error-unknown-stage = This stage is not part of the pipeline.
error-unknown-deal = No such deal.
error-not-an-amount = Please enter an amount, e.g. 12.500,00.
error-unknown-currency = Unknown currency.
error-duplicate = An entry appears twice.
problem-in-use = Still in use
problem-in-use-detail = The record is still used by others and cannot be removed.
