// Neo4j's own Cypher front end (parser + semantic analysis, compiled from Neo4j's Scala
// sources into @neo4j-cypher/language-support) over a batch of statements in one process.
// stdin: {"schema": {labels, relationshipTypes, propertyKeys}, "statements":
//         [{"id", "cypher", "parameters"}]}
// stdout: [{"id", "diagnostics": [{"severity", "message", "line", "column"}]}]
// Functions and procedures are Neo4j 5's, from the package's own recorded database schema,
// so a misspelt or missing function is reported like on a real server.
"use strict";
const { lintCypherQuery, testData } = require("@neo4j-cypher/language-support");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { schema, statements } = JSON.parse(input);
  const base = {
    ...schema,
    functions: testData.mockSchema.functions,
    procedures: testData.mockSchema.procedures,
  };
  const results = statements.map(({ id, cypher, parameters }) => ({
    id,
    diagnostics: lintCypherQuery(cypher, { ...base, parameters }).map((d) => ({
      severity: d.severity === 1 ? "error" : "warning",
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  }));
  process.stdout.write(JSON.stringify(results));
});
