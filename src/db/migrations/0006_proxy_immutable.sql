-- Proxied records are evidence: once stamped they never change. The database itself refuses to
-- update or delete them; a correction is a new row that points at the one it corrects.
CREATE FUNCTION proxy_record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'proxy records are immutable (% refused); record a correction instead', TG_OP;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER proxy_records_immutable
  BEFORE UPDATE OR DELETE ON proxy_records
  FOR EACH ROW EXECUTE FUNCTION proxy_record_refuse_change();
--> statement-breakpoint
CREATE TRIGGER proxy_records_no_truncate
  BEFORE TRUNCATE ON proxy_records
  FOR EACH STATEMENT EXECUTE FUNCTION proxy_record_refuse_change();
--> statement-breakpoint
ALTER TABLE proxy_records
  ADD CONSTRAINT proxy_records_supersedes_id_fk FOREIGN KEY (supersedes_id) REFERENCES proxy_records(id);
--> statement-breakpoint
-- A visit may end or be extended; who visited whom, why and with what consent may not change.
CREATE FUNCTION proxy_visit_guard_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'proxy visits are kept (DELETE refused)';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id
    OR NEW.proxy_staff_id IS DISTINCT FROM OLD.proxy_staff_id
    OR NEW.resident_id IS DISTINCT FROM OLD.resident_id
    OR NEW.community_id IS DISTINCT FROM OLD.community_id
    OR NEW.reason IS DISTINCT FROM OLD.reason
    OR NEW.reason_note IS DISTINCT FROM OLD.reason_note
    OR NEW.interpreter_name IS DISTINCT FROM OLD.interpreter_name
    OR NEW.locale IS DISTINCT FROM OLD.locale
    OR NEW.consent_kind IS DISTINCT FROM OLD.consent_kind
    OR NEW.consent_signature IS DISTINCT FROM OLD.consent_signature
    OR NEW.consent_note IS DISTINCT FROM OLD.consent_note
    OR NEW.guardian_name IS DISTINCT FROM OLD.guardian_name
    OR NEW.location IS DISTINCT FROM OLD.location
    OR NEW.started_at IS DISTINCT FROM OLD.started_at
    OR NEW.created_at IS DISTINCT FROM OLD.created_at
    OR (OLD.ended_at IS NOT NULL AND (NEW.ended_at IS DISTINCT FROM OLD.ended_at
      OR NEW.expires_at IS DISTINCT FROM OLD.expires_at))
  THEN
    RAISE EXCEPTION 'a proxy visit''s stamp is immutable (UPDATE refused)';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER proxy_visits_stamp_immutable
  BEFORE UPDATE OR DELETE ON proxy_visits
  FOR EACH ROW EXECUTE FUNCTION proxy_visit_guard_stamp();
--> statement-breakpoint
CREATE TRIGGER proxy_visits_no_truncate
  BEFORE TRUNCATE ON proxy_visits
  FOR EACH STATEMENT EXECUTE FUNCTION proxy_record_refuse_change();
--> statement-breakpoint
-- Confirmation states and supervisor alerts change, but are never removed.
CREATE FUNCTION proxy_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are kept (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER proxy_confirmations_kept
  BEFORE DELETE ON proxy_confirmations
  FOR EACH ROW EXECUTE FUNCTION proxy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER proxy_alerts_kept
  BEFORE DELETE ON proxy_alerts
  FOR EACH ROW EXECUTE FUNCTION proxy_refuse_delete();
