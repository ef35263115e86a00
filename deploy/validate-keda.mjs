// Checks ScaledObjects against KEDA's schema, as bundled by @kubernetes-models/keda.
//   node validate-keda.mjs NODE_MODULES_DIR FILE.json   (FILE holds an array of ScaledObjects)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, file] = process.argv.slice(2);
const model = join(modules, "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject.js");
const { ScaledObject } = await import(pathToFileURL(model).href);
let failed = false;
for (const object of JSON.parse(readFileSync(file, "utf8"))) {
  try {
    new ScaledObject(object).validate();
  } catch (error) {
    failed = true;
    console.log(`ScaledObject/${object.metadata?.name}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
