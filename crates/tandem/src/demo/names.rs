//! Names, towns and trades the demo draws from, with a deterministic generator.

/// A small deterministic generator (xorshift), so every demo looks the same.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

pub(super) const FAMILY: [&str; 24] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
];
pub(super) const TRADES: [(&str, &str); 10] = [
    ("Maschinenbau", "Maschinenbau"),
    ("Elektrotechnik", "Elektrotechnik"),
    ("Feinmechanik", "Maschinenbau"),
    ("Lebensmittel", "Lebensmittel"),
    ("Logistik", "Logistik"),
    ("Kunststofftechnik", "Kunststoff"),
    ("Metallbau", "Metallverarbeitung"),
    ("Antriebstechnik", "Maschinenbau"),
    ("Verpackung", "Verpackung"),
    ("Medizintechnik", "Medizintechnik"),
];
pub(super) const FORMS: [&str; 5] = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K."];
pub(super) const TOWNS: [(&str, &str, &str); 16] = [
    ("Stuttgart", "70173", "Königstraße"),
    ("Ulm", "89073", "Hirschstraße"),
    ("Augsburg", "86150", "Maximilianstraße"),
    ("Freiburg im Breisgau", "79098", "Kaiser-Joseph-Straße"),
    ("Regensburg", "93047", "Gesandtenstraße"),
    ("Bielefeld", "33602", "Obernstraße"),
    ("Paderborn", "33098", "Westernstraße"),
    ("Kassel", "34117", "Königsstraße"),
    ("Würzburg", "97070", "Domstraße"),
    ("Heilbronn", "74072", "Kaiserstraße"),
    ("Reutlingen", "72764", "Wilhelmstraße"),
    ("Göttingen", "37073", "Weender Straße"),
    ("Osnabrück", "49074", "Große Straße"),
    ("Chemnitz", "09111", "Straße der Nationen"),
    ("Jena", "07743", "Löbderstraße"),
    ("Lüdenscheid", "58507", "Wilhelmstraße"),
];
pub(super) const FIRST: [(&str, &str); 16] = [
    ("Anna", "ms"),
    ("Jonas", "mr"),
    ("Sabine", "ms"),
    ("Thomas", "mr"),
    ("Julia", "ms"),
    ("Michael", "mr"),
    ("Katrin", "ms"),
    ("Stefan", "mr"),
    ("Jürgen", "mr"),
    ("Birgit", "ms"),
    ("Lukas", "mr"),
    ("Özlem", "ms"),
    ("Andreas", "mr"),
    ("Claudia", "ms"),
    ("Sören", "mr"),
    ("Maren", "ms"),
];
pub(super) const LAST: [&str; 16] = [
    "Bergmann",
    "Lange",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
];
pub(super) const POSITIONS: [&str; 8] = [
    "Geschäftsführung",
    "Einkaufsleitung",
    "Technischer Einkauf",
    "Leitung Instandhaltung",
    "Produktionsleitung",
    "Assistenz der Geschäftsführung",
    "Konstruktion",
    "Qualitätsmanagement",
];
pub(super) const TAGS: [&str; 6] = [
    "A-Kunde",
    "Messe 2026",
    "Rahmenvertrag",
    "Service",
    "Export",
    "Neukunde",
];
