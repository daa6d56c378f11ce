// The Kuan extension: the grammar, brackets and snippets are declared in
// package.json; this file starts the language server, `kuan lsp` over stdio,
// with the command from the setting kuan.server.path (default: kuan on PATH),
// and restarts it when that setting changes.
'use strict';
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

// ${workspaceFolder} and a leading ~ in the configured path, as people write them.
function resolveCommand(configured) {
  let command = (configured || 'kuan').trim() || 'kuan';
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (folder) command = command.split('${workspaceFolder}').join(folder.uri.fsPath);
  if (command.startsWith('~/') && process.env.HOME) command = path.join(process.env.HOME, command.slice(2));
  return command;
}

function serverOptions() {
  const config = vscode.workspace.getConfiguration('kuan');
  const command = resolveCommand(config.get('server.path'));
  const args = config.get('server.args') || ['lsp'];
  return { run: { command, args }, debug: { command, args } };
}

async function start(context) {
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'kuan' },
      { scheme: 'untitled', language: 'kuan' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.kuan') },
  };
  client = new LanguageClient('kuan', 'Kuan', serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (err) {
    const command = serverOptions().run.command;
    vscode.window.showErrorMessage(
      `Kuan: 无法启动语言服务器「${command} lsp」(${err && err.message ? err.message : err})。` +
        '请在设置 kuan.server.path 中填写 kuan 命令的路径。');
  }
}

async function restart(context) {
  if (client) {
    const old = client;
    client = undefined;
    try { await old.stop(); } catch (_) { /* already stopped */ }
  }
  await start(context);
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('kuan.restartServer', () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kuan.server')) restart(context);
    }));
  return start(context);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, resolveCommand, serverOptions };
