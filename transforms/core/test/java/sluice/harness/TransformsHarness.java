package sluice.harness;

import static sluice.harness.ConnectValues.dumpSchema;
import static sluice.harness.ConnectValues.dumpValue;
import static sluice.harness.ConnectValues.toSchema;
import static sluice.harness.ConnectValues.toValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.common.record.TimestampType;

/**
 * Differential-test harness: runs Kafka's own transforms and predicates on requests read as JSON
 * lines from stdin and answers one JSON line per request on stdout.
 *
 * Request: {"kind":"transform"|"predicate", "class":"org.apache...InsertField$Value",
 *           "config":{...}, "record":R}
 * R:       {"sink":bool, "topic":"t", "partition":n|null, "offset":n, "timestamp":"ms"|null,
 *           "keySchema":S|null, "key":V, "valueSchema":S|null, "value":V,
 *           "headers":[{"key":k, "schema":S|null, "value":V}]}
 * Answer:  {"record": R|null} | {"result": bool} | {"error": "...", "stage": "configure"|"apply"}
 *
 * S is a plain description of a Connect schema; V is a typed value ({"int64":"5"}, ...), built
 * and dumped by test-fixtures' ConnectValues with Connect's data API only.
 */
public final class TransformsHarness {
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
                answer.put("stage", "harness");
            }
            out.println(MAPPER.writeValueAsString(answer));
        }
        out.flush();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ObjectNode handle(JsonNode request) throws Exception {
        ObjectNode answer = NODES.objectNode();
        if (request.path("kind").asText().equals("info")) {
            answer.put("java", System.getProperty("java.specification.version"));
            return answer;
        }
        Map<String, Object> config = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = request.path("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        ConnectRecord record = toRecord(request.get("record"));
        Object plugin = Class.forName(request.get("class").asText()).getDeclaredConstructor().newInstance();
        String stage = "configure";
        try {
            if (plugin instanceof Transformation) {
                Transformation t = (Transformation) plugin;
                t.configure(config);
                stage = "apply";
                ConnectRecord result = t.apply(record);
                answer.set("record", result == null ? NODES.nullNode() : dumpRecord(result));
                t.close();
            } else {
                Predicate p = (Predicate) plugin;
                p.configure(config);
                stage = "apply";
                answer.put("result", p.test(record));
                p.close();
            }
        } catch (Throwable e) {
            answer = NODES.objectNode();
            answer.put("error", e.getClass().getName() + ": " + e.getMessage());
            answer.put("stage", stage);
        }
        return answer;
    }

    private static ConnectRecord<?> toRecord(JsonNode r) {
        Schema keySchema = toSchema(r.get("keySchema"));
        Object key = toValue(keySchema, r.get("key"));
        Schema valueSchema = toSchema(r.get("valueSchema"));
        Object value = toValue(valueSchema, r.get("value"));
        Long timestamp = r.hasNonNull("timestamp") ? Long.parseLong(r.get("timestamp").asText()) : null;
        Integer partition = r.hasNonNull("partition") ? r.get("partition").asInt() : null;
        ConnectHeaders headers = new ConnectHeaders();
        for (JsonNode h : r.path("headers")) {
            Schema hs = toSchema(h.get("schema"));
            headers.add(h.get("key").asText(), toValue(hs, h.get("value")), hs);
        }
        String topic = r.get("topic").asText();
        if (r.path("sink").asBoolean(true)) {
            return new SinkRecord(topic, partition, keySchema, key, valueSchema, value,
                r.path("offset").asLong(0), timestamp, TimestampType.CREATE_TIME, headers);
        }
        Map<String, Object> sourcePartition = new HashMap<>();
        sourcePartition.put("table", "t");
        Map<String, Object> sourceOffset = new HashMap<>();
        sourceOffset.put("id", 1);
        return new SourceRecord(sourcePartition, sourceOffset, topic, partition, keySchema, key,
            valueSchema, value, timestamp, headers);
    }

    private static ObjectNode dumpRecord(ConnectRecord<?> r) {
        ObjectNode o = NODES.objectNode();
        o.put("topic", r.topic());
        if (r.kafkaPartition() == null) o.putNull("partition"); else o.put("partition", r.kafkaPartition());
        if (r.timestamp() == null) o.putNull("timestamp"); else o.put("timestamp", r.timestamp().toString());
        o.set("keySchema", dumpSchema(r.keySchema()));
        o.set("key", dumpValue(r.keySchema(), r.key()));
        o.set("valueSchema", dumpSchema(r.valueSchema()));
        o.set("value", dumpValue(r.valueSchema(), r.value()));
        ArrayNode headers = o.putArray("headers");
        for (Header h : r.headers()) {
            ObjectNode ho = headers.addObject();
            ho.put("key", h.key());
            ho.set("schema", dumpSchema(h.schema()));
            ho.set("value", dumpValue(h.schema(), h.value()));
        }
        return o;
    }
}
