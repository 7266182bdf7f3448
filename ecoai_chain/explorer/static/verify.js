// The explorer's only script: POST /verify and list each check's outcome.
(function () {
  const button = document.getElementById("verify-button");
  const out = document.getElementById("verify-result");
  if (!button) return;
  button.addEventListener("click", async function () {
    button.disabled = true;
    out.textContent = "";
    const pending = document.createElement("li");
    pending.textContent = "verifying…";
    out.appendChild(pending);
    try {
      const r = await fetch("/api/v1/certificates/" + button.dataset.cert + "/verify", {method: "POST"});
      const body = await r.json();
      out.textContent = "";
      if (!r.ok) { throw new Error(body.error || ("HTTP " + r.status)); }
      // The checks of `ecoai verify` (the same code) on the indexed evidence; those that need
      // a chain RPC are listed as not run, never shown as passed.
      for (const c of body.checks.concat(body.global_checks || [])) {
        const li = document.createElement("li");
        li.className = "check " + (c.ok ? "ok" : "bad");
        li.dataset.check = c.name;
        li.textContent = (c.ok ? "\u2713 " : "\u2717 ") + c.name + ": " + c.detail;
        out.appendChild(li);
      }
      for (const c of (body.not_run || []).concat(body.global_not_run || [])) {
        const li = document.createElement("li");
        li.className = "not-run";
        li.dataset.check = c.name;
        li.textContent = "\u2013 " + c.name + ": " + c.detail;
        out.appendChild(li);
      }
      const engine = document.createElement("li");
      engine.id = "verify-engine";
      engine.textContent = "Groth16 proof checked by engine " + body.engine;
      out.appendChild(engine);
      const all = document.createElement("li");
      all.id = "verify-overall";
      all.className = body.valid ? "ok" : "bad";
      all.textContent = body.valid ? "certificate verified" : "certificate NOT verified";
      out.appendChild(all);
    } catch (e) {
      out.textContent = "";
      const li = document.createElement("li");
      li.className = "bad";
      li.textContent = "verification failed: " + e.message;
      out.appendChild(li);
    } finally {
      button.disabled = false;
    }
  });
})();
