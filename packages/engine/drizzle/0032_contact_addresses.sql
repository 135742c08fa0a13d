CREATE TABLE `contact_consents` (
	`contact_id` integer NOT NULL,
	`channel` text NOT NULL,
	`given_at` text NOT NULL,
	`method` text NOT NULL,
	`note` text,
	`recorded_by` text,
	PRIMARY KEY(`contact_id`, `channel`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `street` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `postcode` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `town` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `municipality` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `lat` real;--> statement-breakpoint
ALTER TABLE `contacts` ADD `lon` real;--> statement-breakpoint
CREATE INDEX `contacts_postcode` ON `contacts` (`postcode`) WHERE "contacts"."postcode" IS NOT NULL;
--> statement-breakpoint
-- Hand-written: the contacts' coordinates in an R*Tree, so an area on the map (a polygon's
-- or a radius's bounding box) finds its candidates without reading every contact; the exact
-- test runs on the exact coordinates kept beside the box (auxiliary columns lon, lat). Kept in
-- step with contacts by triggers (rtree stores the box as 32-bit floats rounded outwards, so a
-- box query never misses a point that is inside).
CREATE VIRTUAL TABLE `contacts_geo` USING rtree(`id`, `min_lon`, `max_lon`, `min_lat`, `max_lat`, +`lon`, +`lat`);--> statement-breakpoint
CREATE TRIGGER `contacts_geo_insert` AFTER INSERT ON `contacts` WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL BEGIN
	INSERT INTO contacts_geo (id, min_lon, max_lon, min_lat, max_lat, lon, lat) VALUES (new.id, new.lon, new.lon, new.lat, new.lat, new.lon, new.lat);
END;--> statement-breakpoint
CREATE TRIGGER `contacts_geo_update` AFTER UPDATE OF lat, lon ON `contacts` WHEN old.lat IS NOT new.lat OR old.lon IS NOT new.lon BEGIN
	DELETE FROM contacts_geo WHERE id = old.id;
	INSERT INTO contacts_geo (id, min_lon, max_lon, min_lat, max_lat, lon, lat) SELECT new.id, new.lon, new.lon, new.lat, new.lat, new.lon, new.lat WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `contacts_geo_delete` AFTER DELETE ON `contacts` WHEN old.lat IS NOT NULL BEGIN
	DELETE FROM contacts_geo WHERE id = old.id;
END;
