-- The schema test-psql-meta.py describes with psql's meta-commands; the
-- same script is run on PostgreSQL 15 by psql-meta-expect.py.
CREATE SCHEMA shop;
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, email varchar(100) UNIQUE,
                        visits integer DEFAULT 0, score integer CHECK (score >= 0));
CREATE INDEX customers_name_email_idx ON customers (name, email);
CREATE TABLE shop.orders (order_id bigint PRIMARY KEY, customer integer NOT NULL,
                          total numeric(10,2) DEFAULT 0 NOT NULL, note text,
                          CONSTRAINT customer_positive CHECK (customer > 0));
CREATE INDEX orders_customer_idx ON shop.orders (customer);
CREATE VIEW big_orders AS SELECT order_id, total FROM shop.orders WHERE total > 100;
CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql AS $$ SELECT x + 1 $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.visits := NEW.visits + 1; RETURN NEW; END $$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch();
CREATE PROCEDURE log_it(msg text) LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '%', msg; END $$;
CREATE SEQUENCE shop.order_seq START 100 INCREMENT 5 MAXVALUE 100000 CYCLE;
CREATE TABLE tickets (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE shop.events (id bigint GENERATED ALWAYS AS IDENTITY, what text);
