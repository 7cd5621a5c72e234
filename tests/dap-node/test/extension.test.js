'use strict';
/*
 * extension.test.js — the VS Code extension in editors/vscode: its
 * manifest promises what the adapter accepts, and the wrapper script VS
 * Code starts reaches the adapter (through OXIBASE_DAP) or says why not.
 */
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { ADAPTER, OxDebugClient, TEST_TIMEOUT_MS, endAfter, launch } = require('../lib/oxdap');

const EXTENSION = path.resolve(__dirname, '../../../editors/vscode');
const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'package.json'), 'utf8'));
const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === 'oxibase');
const WRAPPER = path.join(EXTENSION, debuggerEntry.program);

test('the manifest: debug type, sql breakpoints, the launch attributes the adapter takes', () => {
	assert.ok(debuggerEntry, 'a debugger of type oxibase');
	assert.ok(manifest.contributes.breakpoints.some((b) => b.language === 'sql'));
	const attrs = Object.keys(debuggerEntry.configurationAttributes.launch.properties).sort();
	assert.deepEqual(attrs, ['database', 'maxPauseMs', 'program', 'sql', 'stepIntoQueries', 'stopOnEntry']);
	fs.accessSync(WRAPPER, fs.constants.X_OK);
	for (const c of debuggerEntry.initialConfigurations)
		assert.equal(c.type, 'oxibase');
});

test('the wrapper starts the adapter named by OXIBASE_DAP', { timeout: TEST_TIMEOUT_MS }, async () => {
	const dc = new OxDebugClient({ command: WRAPPER, env: { ...process.env, OXIBASE_DAP: ADAPTER } });
	try {
		await dc.start();
		const end = await endAfter(dc, () => launch(dc, { sql: 'SELECT 1 AS one;' }));
		assert.equal(end.exitCode, 0);
		assert.match(dc.output('stdout'), / one \n-----\n   1\n/);
		await dc.finish();
	} finally {
		dc.kill();
	}
});

test('the wrapper without an adapter says what to do', () => {
	const r = cp.spawnSync(WRAPPER, [], { env: { PATH: '/usr/bin:/bin', OXIBASE_DAP: '/nonexistent/oxibase-dap' } });
	assert.equal(r.status, 127);
	assert.match(r.stderr.toString(), /oxibase-dap not found/);
});
