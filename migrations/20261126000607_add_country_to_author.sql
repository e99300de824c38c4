-- Modify "authors" table
ALTER TABLE "authors" ADD COLUMN "country" character varying(100) NULL;
