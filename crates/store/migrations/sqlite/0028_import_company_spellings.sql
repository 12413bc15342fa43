-- Company names of an import that look like an existing company under another spelling
-- ("Häring" and "Haering") but that the importer chose to make as new companies.
ALTER TABLE imports ADD COLUMN new_companies TEXT NOT NULL DEFAULT '[]';
