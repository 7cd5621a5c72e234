// pg-client.js — node-postgres (npm pg, the driver most Node programs use)
// against a PostgreSQL-protocol server given as PGHOST / PGPORT / PGUSER /
// PGDATABASE: connect (the driver's startup and the settings it reads),
// parameterised queries through the extended protocol, named prepared
// statements, types as the driver parses them, errors with their SQLSTATE,
// a transaction, a pool of concurrent clients.  Exits 0 when every check
// held; prints what failed otherwise.  Run by tests/server/test-pgwire-drivers.py.
'use strict';

const assert = require('node:assert/strict');
const { Client, Pool } = require('pg');

async function main () {
	const c = new Client();
	await c.connect();
	await c.query('DROP TABLE IF EXISTS node_t');
	await c.query('CREATE TABLE node_t (id int PRIMARY KEY, name text, price numeric(10,2), ok boolean, big bigint, d date)');
	for (const [id, name, price, ok, big, d] of [
		[1, 'apple', '1.25', true, '9007199254740993', '2024-02-29'],
		[2, null, null, false, null, null],
		[3, "it's \"quoted\"", '-3', null, '-1', '1999-12-31'],
	]) {
		const r = await c.query('INSERT INTO node_t VALUES ($1, $2, $3, $4, $5, $6)', [id, name, price, ok, big, d]);
		assert.equal(r.rowCount, 1);
		assert.equal(r.command, 'INSERT');
	}
	let r = await c.query('SELECT id, name, price, ok, big, d::text AS d FROM node_t WHERE id >= $1 ORDER BY id', [1]);
	assert.deepEqual(r.rows, [
		{ id: 1, name: 'apple', price: '1.25', ok: true, big: '9007199254740993', d: '2024-02-29' },
		{ id: 2, name: null, price: null, ok: false, big: null, d: null },
		{ id: 3, name: "it's \"quoted\"", price: '-3.00', ok: null, big: '-1', d: '1999-12-31' },
	]);
	assert.deepEqual(r.fields.map(f => f.name), ['id', 'name', 'price', 'ok', 'big', 'd']);
	// a named prepared statement, run twice with other values
	for (const [want, id] of [['apple', 1], [null, 2]]) {
		r = await c.query({ name: 'by_id', text: 'SELECT name FROM node_t WHERE id = $1', values: [id] });
		assert.equal(r.rows[0].name, want);
	}
	// rowMode array and an expression over parameters
	r = await c.query({ text: 'SELECT $1::int + $2::int AS s, upper($3) AS u', values: [40, 2, 'x'], rowMode: 'array' });
	assert.deepEqual(r.rows, [[42, 'X']]);
	// errors keep the connection usable
	await assert.rejects(c.query('INSERT INTO node_t VALUES ($1)', [1]), e => e.code === '23505');
	await assert.rejects(c.query('SELECT nosuch FROM node_t'), e => e.code === '42703' && e.position === '8');
	// a transaction rolled back
	await c.query('BEGIN');
	await c.query('UPDATE node_t SET name = $1 WHERE id = $2', ['changed', 1]);
	await c.query('ROLLBACK');
	r = await c.query('SELECT name FROM node_t WHERE id = 1');
	assert.equal(r.rows[0].name, 'apple');
	await c.end();

	// a pool: 8 clients at once, each committing its own rows
	const pool = new Pool({ max: 8 });
	await Promise.all([...Array(8).keys()].map(async k => {
		const pc = await pool.connect();
		try {
			await pc.query('BEGIN');
			for (let i = 0; i < 10; i++)
				await pc.query('INSERT INTO node_t (id, name) VALUES ($1, $2)', [100 + k * 10 + i, 'pool']);
			await pc.query('COMMIT');
		} finally {
			pc.release();
		}
	}));
	r = await pool.query('SELECT count(*)::int AS n FROM node_t WHERE name = $1', ['pool']);
	assert.equal(r.rows[0].n, 80);
	await pool.end();
	console.log('node-postgres: all checks passed');
}

main ().catch(e => {
	console.error(e);
	process.exit(1);
});
