// node check.js SCHEMA [DOCUMENT ...]: compiles SCHEMA with Ajv (draft 2020-12) in strict mode, with formats asserted,
// then validates each DOCUMENT against it. Prints one line per file; exit 1 when any fails.
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const fs = require("fs");

const [schemaFile, ...documents] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
  console.log(`compiled ${schemaFile}`);
} catch (e) {
  console.log(`schema ${schemaFile}: ${e.message}`);
  process.exit(1);
}
for (const file of documents) {
  if (validate(JSON.parse(fs.readFileSync(file, "utf8")))) console.log(`valid ${file}`);
  else {
    console.log(`invalid ${file}: ${ajv.errorsText(validate.errors)}`);
    process.exitCode = 1;
  }
}
