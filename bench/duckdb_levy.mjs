// duckdb_levy.mjs — the Jilin levy (2024 rules) in DuckDB SQL, for the
// benchmark to compare with quotalevy on the same CSV.
//
//   node duckdb_levy.mjs UNITS.csv OUT.csv exact|naive [THREADS]
//
// "exact" divides in integers (fen and hundredths of a person), so every
// amount is what the law's arithmetic gives; "naive" writes the formula
// with DECIMAL columns as an analyst would, where DuckDB's DECIMAL / DECIMAL
// is a DOUBLE.  Prints {"seconds": …, "rows": …, "levy_total": "…"}.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, out, mode, threads] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:',
  threads ? { threads: String(threads) } : {});
const con = await inst.connect();

const read = `read_csv('${csv}', header = true, all_varchar = false, types = {
  'employees': 'DECIMAL(18,2)', 'wage_total': 'DECIMAL(18,2)',
  'local_avg_wage': 'DECIMAL(18,2)', 'disabled': 'BIGINT',
  'disabled_severe': 'BIGINT'})`;

// exact: E = employees in hundredths, W = wages in fen, all HUGEINT
const exact = `
WITH u AS (
  SELECT id, unit_type,
         CAST(employees * 100 AS HUGEINT) AS e,
         CAST(wage_total * 100 AS HUGEINT) AS w,
         CAST(local_avg_wage * 100 AS HUGEINT) AS lw,
         CAST(disabled + 2 * disabled_severe AS HUGEINT) AS c
  FROM ${read}),
v AS (
  SELECT *, e * 16 AS r5, c * 100000 AS c5,
         CASE WHEN e > 0 THEN (200 * w + e) // (2 * e) ELSE 0 END AS avg_fen
  FROM u),
x AS (
  SELECT *, greatest(r5 - c5, 0) AS s5, least(avg_fen, 2 * lw) AS wage_fen,
         c5 >= r5 AS met
  FROM v),
y AS (
  SELECT *, (2 * s5 * wage_fen + 100000) // 200000 AS gross_fen,
         CASE WHEN met THEN 10 WHEN c * 10000 >= e THEN 5 ELSE 9 END AS rate10,
         unit_type = 'enterprise' AND e <= 3000 AS exempt
  FROM x)
SELECT id,
       CAST(gross_fen AS DECIMAL(38,0)) / 100 AS levy_gross,
       CASE WHEN exempt THEN 0
            ELSE gross_fen - (gross_fen * (10 - rate10) + 5) // 10 END AS levy_due_fen
FROM y`;

// naive: DECIMAL arithmetic with round(), as written from the formula
const naive = `
SELECT id,
       CASE WHEN unit_type = 'enterprise' AND employees <= 30 THEN 0 ELSE
         round(round(greatest(employees * 0.016 - (disabled + 2 * disabled_severe), 0)
               * least(CASE WHEN employees > 0 THEN round(wage_total / employees, 2) ELSE 0 END,
                       2 * local_avg_wage), 2)
               * CASE WHEN (disabled + 2 * disabled_severe) >= employees * 0.016 THEN 1
                      WHEN (disabled + 2 * disabled_severe) / employees >= 0.01 THEN 0.5
                      ELSE 0.9 END, 2) * 100
       END AS levy_due_fen
FROM ${read}`;

const q = mode === 'naive' ? naive : exact;
const t0 = process.hrtime.bigint();
await con.run(`COPY (${q}) TO '${out}' (HEADER, DELIMITER ',')`);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const tot = await con.runAndReadAll(
  `SELECT count(*), sum(CAST(levy_due_fen AS HUGEINT)) FROM read_csv('${out}', header = true)`);
const [[rows, fen]] = tot.getRows();
const f = BigInt(Math.round(Number(fen)));
const total = `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;
console.log(JSON.stringify({ seconds, rows: Number(rows), levy_total: total }));
