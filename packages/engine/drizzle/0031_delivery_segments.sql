-- The delivery tallies (0026, 0027) were keyed on each delivery's text, for its SMS segments
-- (the costs): with personalised messages an alert had about a tally per person, and every
-- insert and state change of a delivery compared and wrote the whole text in the tally's
-- key (campaign-dispatch: planning 150 µs per message with the triggers, 65 without). Now
-- each delivery stores the SMS segments its text is billed as (`segments`, counted when it
-- is planned) and the tallies are keyed on that number. A data migration: the store runs
-- src/store/migrations/0031_delivery_segments.ts right after this file, in the same
-- transaction; it counts the segments of the deliveries stored before and counts the
-- tallies afresh.
DROP TRIGGER `deliveries_tally_insert`;--> statement-breakpoint
DROP TRIGGER `deliveries_tally_delete`;--> statement-breakpoint
DROP TRIGGER `deliveries_tally_update`;--> statement-breakpoint
DROP TABLE `delivery_tallies`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `segments` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE `delivery_tallies` (
	`campaign_id` integer NOT NULL,
	`channel` text NOT NULL,
	`provider` text NOT NULL,
	`state` text NOT NULL,
	`error_code` text NOT NULL,
	`handed_over` integer NOT NULL,
	`prefix` text NOT NULL,
	`segments` integer NOT NULL,
	`address` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `segments`)
);
--> statement-breakpoint
CREATE TRIGGER `deliveries_tally_insert` AFTER INSERT ON `deliveries` BEGIN
  INSERT INTO `delivery_tallies` (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `segments`, `address`, `n`)
  VALUES (NEW.`campaign_id`, NEW.`channel`, coalesce(NEW.`provider`, ''), NEW.`state`, coalesce(NEW.`error_code`, ''), NEW.`sent_at` IS NOT NULL,
          substr(NEW.`address`, 1, 7), NEW.`segments`, NEW.`address`, 1)
  ON CONFLICT (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `segments`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `deliveries_tally_delete` AFTER DELETE ON `deliveries` BEGIN
  UPDATE `delivery_tallies` SET `n` = `n` - 1
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `segments` = OLD.`segments`;
  DELETE FROM `delivery_tallies`
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `segments` = OLD.`segments` AND `n` <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `deliveries_tally_update` AFTER UPDATE OF `campaign_id`, `channel`, `provider`, `state`, `error_code`, `sent_at`, `address`, `segments` ON `deliveries`
WHEN OLD.`campaign_id` IS NOT NEW.`campaign_id` OR OLD.`channel` IS NOT NEW.`channel` OR coalesce(OLD.`provider`, '') <> coalesce(NEW.`provider`, '')
  OR OLD.`state` IS NOT NEW.`state` OR coalesce(OLD.`error_code`, '') <> coalesce(NEW.`error_code`, '') OR (OLD.`sent_at` IS NULL) <> (NEW.`sent_at` IS NULL)
  OR substr(OLD.`address`, 1, 7) IS NOT substr(NEW.`address`, 1, 7) OR OLD.`segments` IS NOT NEW.`segments`
BEGIN
  UPDATE `delivery_tallies` SET `n` = `n` - 1
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `segments` = OLD.`segments`;
  DELETE FROM `delivery_tallies`
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `segments` = OLD.`segments` AND `n` <= 0;
  INSERT INTO `delivery_tallies` (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `segments`, `address`, `n`)
  VALUES (NEW.`campaign_id`, NEW.`channel`, coalesce(NEW.`provider`, ''), NEW.`state`, coalesce(NEW.`error_code`, ''), NEW.`sent_at` IS NOT NULL,
          substr(NEW.`address`, 1, 7), NEW.`segments`, NEW.`address`, 1)
  ON CONFLICT (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `segments`) DO UPDATE SET `n` = `n` + 1;
END;
