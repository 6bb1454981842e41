package sluice.harness;

import static sluice.harness.ConnectValues.dumpSchema;
import static sluice.harness.ConnectValues.dumpValue;
import static sluice.harness.ConnectValues.toSchema;
import static sluice.harness.ConnectValues.toValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Differential-test harness: runs Kafka's own JsonConverter on requests read as JSON lines
 * from stdin and answers one JSON line per request on stdout.
 *
 * Request: {"op":"encode"|"decode", "config":{...}, "isKey":bool, "topic":"t",
 *           "schema": S|null, "value": V}  (encode)   or  "bytes": base64|null (decode)
 * Answer:  {"bytes": base64|null}  |  {"schema": S|null, "value": V}  |  {"error": "..."}
 *
 * S is a plain description of a Connect schema; V is a typed value ({"int64":"5"}, ...).
 * Both are built and dumped by test-fixtures' ConnectValues, never with the converter.
 */
public final class JsonConverterHarness {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().isEmpty()) continue;
            ObjectNode answer;
            try {
                answer = handle(MAPPER.readTree(line));
            } catch (Throwable e) {
                answer = NODES.objectNode();
                answer.put("error", e.getClass().getName() + ": " + e.getMessage());
            }
            out.println(MAPPER.writeValueAsString(answer));
        }
        out.flush();
    }

    private static ObjectNode handle(JsonNode request) {
        if (request.get("op").asText().equals("info")) {
            ObjectNode info = NODES.objectNode();
            info.put("java", System.getProperty("java.specification.version"));
            return info;
        }
        Map<String, Object> config = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = request.path("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        JsonConverter converter = new JsonConverter();
        converter.configure(config, request.path("isKey").asBoolean(false));
        String topic = request.path("topic").asText("topic");
        ObjectNode answer = NODES.objectNode();
        String op = request.get("op").asText();
        if (op.equals("encode")) {
            Schema schema = toSchema(request.get("schema"));
            Object value = toValue(schema, request.get("value"));
            byte[] bytes = converter.fromConnectData(topic, schema, value);
            answer.put("bytes", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
        } else if (op.equals("decode")) {
            JsonNode b = request.get("bytes");
            byte[] bytes = b == null || b.isNull() ? null : Base64.getDecoder().decode(b.asText());
            SchemaAndValue result = converter.toConnectData(topic, bytes);
            answer.set("schema", dumpSchema(result.schema()));
            answer.set("value", dumpValue(result.schema(), result.value()));
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
        return answer;
    }
}
