-- quotalevy 1.4 → 1.5: a database in any server encoding.  (ALTER
-- EXTENSION quotalevy UPDATE; a new installation runs quotalevy--1.5.sql.)
-- Until 1.5 a database not in UTF8 was refused (SQLSTATE 0A000) at CREATE
-- EXTENSION and at every call; now the module converts text to and from
-- the library's UTF-8 (docs/postgresql.md, "Encodings").  The change is
-- the module's and the install script's: the catalog a query sees is the
-- same.

\echo Use "ALTER EXTENSION quotalevy UPDATE TO '1.5'" to load this file. \quit
