// Three webhook receivers as merchants write them, on one express server, for WebhookReceiversTest:
//   /seed-node  seed 003's Node/express snippet: X-Signature = hex HMAC-SHA256 of the raw body with the secret,
//               compared with crypto.timingSafeEqual; acts when status is "paid"
//   /standard   the Standard Webhooks library (standardwebhooks on npm): webhook-id, -timestamp, -signature
//   /svix       Svix's verifier (svix on npm), which takes the same headers
// Each accepted body is kept as it came; GET /seen answers them all. The test gives the secrets (known only once the
// endpoints exist) with POST /secrets. Prints "listening <port>" once it listens on the loopback address.
import crypto from "crypto";
import express from "express";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

const app = express();
const secrets = {};
const seen = { "seed-node": [], standard: [], svix: [] };
const refused = { "seed-node": [], standard: [], svix: [] };

app.post("/secrets", express.json(), (req, res) => {
  Object.assign(secrets, req.body);
  res.status(200).send("ok");
});

app.get("/seen", (req, res) => res.json({ seen, refused }));

// Seed 003, as printed there (with the secret from the test instead of process.env).
app.post("/seed-node", express.raw({ type: "application/json" }), (req, res) => {
  const secret = secrets["seed-node"];
  const sig = req.header("X-Signature") || "";
  const calc = crypto.createHmac("sha256", secret).update(req.body).digest("hex");
  if (calc.length !== sig.length || !crypto.timingSafeEqual(Buffer.from(calc), Buffer.from(sig))) {
    refused["seed-node"].push(req.body.toString("utf8"));
    return res.status(401).send("invalid signature");
  }
  const data = JSON.parse(req.body.toString("utf8"));
  seen["seed-node"].push({ raw: req.body.toString("utf8"), paid: data.status === "paid" });
  res.status(200).send("ok");
});

for (const [path, Verifier] of [["standard", StandardWebhook], ["svix", SvixWebhook]]) {
  app.post("/" + path, express.raw({ type: "application/json" }), (req, res) => {
    const raw = req.body.toString("utf8");
    try {
      new Verifier(secrets[path]).verify(raw, req.headers);
    } catch (e) {
      refused[path].push(raw + " (" + e.message + ")");
      return res.status(400).send("invalid signature");
    }
    seen[path].push({ raw });
    res.status(204).end();
  });
}

const server = app.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));
