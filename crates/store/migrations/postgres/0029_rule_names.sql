-- The standard intervention rules were named in two languages at once; they read in
-- German now, like the rest of a new workspace. Renamed rules stay as their owners named them.
UPDATE intervention_rules SET name = 'Abschlussquote unter Ziel'
    WHERE name = 'Abschlussquote unter Ziel / Win rate below target';
UPDATE intervention_rules SET name = 'Pipeline eingebrochen'
    WHERE name = 'Pipeline eingebrochen / Pipeline down';
