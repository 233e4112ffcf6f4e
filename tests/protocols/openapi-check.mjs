// Validates the server's OpenAPI document with an OpenAPI 3.1 validator nobody here wrote
// (@seriousme/openapi-schema-validator, pinned in package-lock.json), then every recorded
// response in SAMPLES_DIR against the component schema its file is named after
// (Health.json, ChatResponse.refusal.json ...), with Ajv's JSON Schema 2020-12 (what OpenAPI 3.1
// schemas are). Prints one line per check; exit status 1 when any fails.
// usage: node openapi-check.mjs OPENAPI_JSON SAMPLES_DIR
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [docFile, samplesDir] = process.argv.slice(2);
let failed = 0;
const report = (ok, what, detail = "") => {
  if (!ok) failed++;
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}${detail ? ": " + detail : ""}`);
};

const doc = JSON.parse(readFileSync(docFile, "utf8"));
const validator = new Validator();
const verdict = await validator.validate(structuredClone(doc));
report(verdict.valid && validator.version === "3.1", `the document is valid OpenAPI ${validator.version}`,
  verdict.valid ? "" : JSON.stringify(verdict.errors).slice(0, 600));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "urn:homelab-assistant:openapi", components: doc.components });
for (const file of readdirSync(samplesDir).filter((f) => f.endsWith(".json")).sort()) {
  const schemaName = file.split(".")[0];
  if (!doc.components.schemas[schemaName]) {
    report(false, `${file}`, `no component schema ${schemaName}`);
    continue;
  }
  const validate = ajv.compile({ $ref: `urn:homelab-assistant:openapi#/components/schemas/${schemaName}` });
  const body = JSON.parse(readFileSync(join(samplesDir, file), "utf8"));
  const ok = validate(body);
  report(ok, `${file} matches ${schemaName}`, ok ? "" : ajv.errorsText(validate.errors));
}
process.exit(failed ? 1 : 0);
