ALTER TABLE "funding_letters" DROP CONSTRAINT "funding_letters_sha256_funding_blobs_sha256_fk";--> statement-breakpoint
DROP TABLE "funding_blobs";
