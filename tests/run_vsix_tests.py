#!/usr/bin/env python3
"""The VS Code extension as users install it: editors/vscode/build-vsix.sh
builds kuan.vsix with npm packages only; the package holds what VS Code loads
(the manifest's main, grammar, snippets, language configuration, and the
vscode-languageclient it requires) and nothing of the tests or the packager;
the manifest validates (VS Code's own fields and the vsixmanifest); and
extension.js, loaded with a stand-in for the `vscode` module, starts
`<kuan.server.path> lsp` for .kuan documents and restarts on a setting change.

Exit 77 (CTest: skipped) when node/npm are absent, or when the npm registry
cannot be reached and nothing is cached yet.

Usage: run_vsix_tests.py --kuan PATH --root REPO --work DIR [NAME...]   (tests/kuan_suite.py)
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=800)
SUITE.parser.add_argument("--work", required=True, help="a build directory for npm and the package")

STUB = r"""
const Module = require('module');
const path = require('path');
const calls = { clients: [], commands: [], stopped: 0 };
let settings = JSON.parse(process.argv[2]);
let onConfig;
const vscode = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: '/work/space' } }],
    getConfiguration: (section) => ({ get: (key) => settings[section + '.' + key] }),
    onDidChangeConfiguration: (f) => { onConfig = f; return { dispose() {} }; },
    createFileSystemWatcher: (glob) => ({ glob }),
  },
  commands: { registerCommand: (name, f) => { calls.commands.push(name); return { dispose() {} }; } },
  window: { showErrorMessage: (m) => { calls.error = m; } },
};
class LanguageClient {
  constructor(id, name, server, client) { calls.clients.push({ id, name, server, client }); }
  start() { return Promise.resolve(); }
  stop() { calls.stopped++; return Promise.resolve(); }
}
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') {
    // The real module must be in the package; it is resolved, not run (it needs VS Code).
    Module._resolveFilename(request, parent, isMain);
    return { LanguageClient };
  }
  return load.apply(this, arguments);
};
(async () => {
  const ext = require(path.resolve(process.argv[1]));
  const context = { subscriptions: [] };
  await ext.activate(context);
  settings = Object.assign({}, settings, { 'kuan.server.path': '${workspaceFolder}/build/kuan' });
  await onConfig({ affectsConfiguration: (s) => s === 'kuan.server' });
  await new Promise((r) => setTimeout(r, 50));
  calls.subscriptions = context.subscriptions.length;
  console.log(JSON.stringify(calls));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
"""


def main():
    a = SUITE.parse()
    if not shutil.which("node") or not shutil.which("npm"):
        sys.exit(SUITE.skip("node/npm not installed"))
    here = os.path.join(a.root, "editors/vscode")
    work = os.path.abspath(a.work)
    cached = os.path.isdir(os.path.join(work, "extension/node_modules"))
    if not cached:
        ping = subprocess.run(["npm", "ping"], capture_output=True, timeout=60)
        if ping.returncode != 0:
            sys.exit(SUITE.skip("the npm registry cannot be reached and no packages are cached"))
    vsix = os.path.join(work, "kuan.vsix")
    if os.path.exists(vsix):
        os.remove(vsix)
    r = subprocess.run(["sh", os.path.join(here, "build-vsix.sh"), work, vsix], capture_output=True, timeout=600)
    SUITE.check("build-vsix.sh builds kuan.vsix", r.returncode == 0 and os.path.exists(vsix),
                (r.stdout.decode()[-400:], r.stderr.decode()[-800:]))
    if not os.path.exists(vsix):
        sys.exit(SUITE.finish())
    z = zipfile.ZipFile(vsix)
    names = set(z.namelist())
    manifest = json.loads(z.read("extension/package.json"))
    source = json.load(open(os.path.join(here, "package.json"), encoding="utf-8"))
    SUITE.check("the packaged manifest is editors/vscode/package.json", manifest == source)
    main_js = "extension/" + os.path.normpath(manifest["main"])
    SUITE.check("manifest: main is in the package", main_js in names, main_js)
    SUITE.check("manifest: activated by .kuan documents", manifest.get("activationEvents") == ["onLanguage:kuan"])
    props = manifest["contributes"]["configuration"]["properties"]
    SUITE.check("manifest: kuan.server.path, default kuan", props["kuan.server.path"]["default"] == "kuan", props)
    for contribution in manifest["contributes"]["grammars"] + manifest["contributes"]["snippets"] + manifest["contributes"]["languages"]:
        p = contribution.get("path") or contribution.get("configuration")
        SUITE.check(f"manifest: {p} is in the package", "extension/" + os.path.normpath(p) in names)
    for field in ("name", "publisher", "version", "engines"):
        SUITE.check(f"manifest: {field}", field in manifest)
    client = json.loads(z.read("extension/node_modules/vscode-languageclient/package.json"))
    want = client["engines"]["vscode"].lstrip("^~")
    have = manifest["engines"]["vscode"].lstrip("^~")
    SUITE.check("manifest: engines.vscode allows the language client's",
                tuple(map(int, have.split("."))) >= tuple(map(int, want.split("."))), (have, want))
    SUITE.check("the package holds the language client", "extension/node_modules/vscode-languageclient/node.js" in names)
    SUITE.check("the package leaves out the tests and the packager",
                not any(n.startswith("extension/test/") or "/@vscode/vsce/" in n for n in names))
    xml = ET.fromstring(z.read("extension.vsixmanifest"))
    ns = {"v": "http://schemas.microsoft.com/developer/vsx-schema/2011"}
    identity = xml.find("v:Metadata/v:Identity", ns)
    SUITE.check("vsixmanifest: identity kuan.kuan with the version",
                identity is not None and identity.get("Id") == "kuan" and identity.get("Publisher") == "kuan"
                and identity.get("Version") == manifest["version"])
    # extension.js from the package, with a stand-in for VS Code.
    unpacked = os.path.join(work, "unpacked")
    shutil.rmtree(unpacked, ignore_errors=True)
    z.extractall(unpacked)
    r = subprocess.run(["node", "-e", STUB, os.path.join(unpacked, main_js), json.dumps({"kuan.server.path": "kuan",
                                                                                         "kuan.server.args": ["lsp"]})],
                       capture_output=True, timeout=60, cwd=os.path.dirname(os.path.join(unpacked, main_js)))
    ok = r.returncode == 0
    calls = json.loads(r.stdout) if ok else {}
    SUITE.check("extension.js activates", ok, r.stderr.decode()[-600:])
    if ok:
        first, second = calls["clients"][0], calls["clients"][1] if len(calls["clients"]) > 1 else None
        SUITE.check("it starts kuan lsp", first["server"]["run"] == {"command": "kuan", "args": ["lsp"]}, first)
        SUITE.check("for .kuan documents", {"scheme": "file", "language": "kuan"} in first["client"]["documentSelector"], first)
        SUITE.check("a changed kuan.server.path restarts it with the new command",
                    second is not None and calls["stopped"] == 1
                    and second["server"]["run"]["command"] == "/work/space/build/kuan", calls)
        SUITE.check("Kuan: Restart Language Server is registered", "kuan.restartServer" in calls["commands"], calls)
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
