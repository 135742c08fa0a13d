-- The tally triggers of 0026 removed emptied tallies with a scan of every tally of the
-- alert (campaign_id = ? AND n <= 0) on each delivery change: with personalised messages an
-- alert has about a tally per person, so each change cost a scan of thousands of rows and
-- dispatch slowed as the alert grew (campaign-dispatch: 217 to about 1,050 µs of CPU per
-- message at 4,000 recipients). Now only the one tally the change decremented is looked at,
-- by its primary key.
DROP TRIGGER `deliveries_tally_delete`;--> statement-breakpoint
DROP TRIGGER `deliveries_tally_update`;--> statement-breakpoint
CREATE TRIGGER `deliveries_tally_delete` AFTER DELETE ON `deliveries` BEGIN
  UPDATE `delivery_tallies` SET `n` = `n` - 1
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `body` = coalesce(OLD.`body`, '');
  DELETE FROM `delivery_tallies`
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `body` = coalesce(OLD.`body`, '') AND `n` <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `deliveries_tally_update` AFTER UPDATE OF `campaign_id`, `channel`, `provider`, `state`, `error_code`, `sent_at`, `address`, `body` ON `deliveries`
WHEN OLD.`campaign_id` IS NOT NEW.`campaign_id` OR OLD.`channel` IS NOT NEW.`channel` OR coalesce(OLD.`provider`, '') <> coalesce(NEW.`provider`, '')
  OR OLD.`state` IS NOT NEW.`state` OR coalesce(OLD.`error_code`, '') <> coalesce(NEW.`error_code`, '') OR (OLD.`sent_at` IS NULL) <> (NEW.`sent_at` IS NULL)
  OR substr(OLD.`address`, 1, 7) IS NOT substr(NEW.`address`, 1, 7) OR coalesce(OLD.`body`, '') <> coalesce(NEW.`body`, '')
BEGIN
  UPDATE `delivery_tallies` SET `n` = `n` - 1
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `body` = coalesce(OLD.`body`, '');
  DELETE FROM `delivery_tallies`
   WHERE `campaign_id` = OLD.`campaign_id` AND `channel` = OLD.`channel` AND `provider` = coalesce(OLD.`provider`, '') AND `state` = OLD.`state`
     AND `error_code` = coalesce(OLD.`error_code`, '') AND `handed_over` = (OLD.`sent_at` IS NOT NULL)
     AND `prefix` = substr(OLD.`address`, 1, 7) AND `body` = coalesce(OLD.`body`, '') AND `n` <= 0;
  INSERT INTO `delivery_tallies` (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `body`, `address`, `n`)
  VALUES (NEW.`campaign_id`, NEW.`channel`, coalesce(NEW.`provider`, ''), NEW.`state`, coalesce(NEW.`error_code`, ''), NEW.`sent_at` IS NOT NULL,
          substr(NEW.`address`, 1, 7), coalesce(NEW.`body`, ''), NEW.`address`, 1)
  ON CONFLICT (`campaign_id`, `channel`, `provider`, `state`, `error_code`, `handed_over`, `prefix`, `body`) DO UPDATE SET `n` = `n` + 1;
END;
