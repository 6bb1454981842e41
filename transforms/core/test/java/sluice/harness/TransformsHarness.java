package sluice.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
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
 * and dumped with Connect's data API only.
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

    static Schema toSchema(JsonNode s) {
        if (s == null || s.isNull()) return null;
        String type = s.get("type").asText();
        SchemaBuilder b;
        switch (type) {
            case "int8": b = SchemaBuilder.int8(); break;
            case "int16": b = SchemaBuilder.int16(); break;
            case "int32": b = SchemaBuilder.int32(); break;
            case "int64": b = SchemaBuilder.int64(); break;
            case "float32": b = SchemaBuilder.float32(); break;
            case "float64": b = SchemaBuilder.float64(); break;
            case "boolean": b = SchemaBuilder.bool(); break;
            case "string": b = SchemaBuilder.string(); break;
            case "bytes": b = SchemaBuilder.bytes(); break;
            case "array": b = SchemaBuilder.array(toSchema(s.get("items"))); break;
            case "map": b = SchemaBuilder.map(toSchema(s.get("keys")), toSchema(s.get("values"))); break;
            case "struct":
                b = SchemaBuilder.struct();
                for (JsonNode f : s.get("fields")) b.field(f.get("name").asText(), toSchema(f.get("schema")));
                break;
            default: throw new IllegalArgumentException("unknown type " + type);
        }
        if (s.path("optional").asBoolean(false)) b.optional();
        if (s.hasNonNull("name")) b.name(s.get("name").asText());
        if (s.hasNonNull("version")) b.version(s.get("version").asInt());
        if (s.hasNonNull("doc")) b.doc(s.get("doc").asText());
        if (s.hasNonNull("parameters")) {
            Iterator<Map.Entry<String, JsonNode>> it = s.get("parameters").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                b.parameter(e.getKey(), e.getValue().asText());
            }
        }
        if (s.has("default")) b.defaultValue(toValue(b, s.get("default")));
        return b.build();
    }

    static Object toValue(Schema schema, JsonNode v) {
        if (v == null || v.isNull()) return null;
        Map.Entry<String, JsonNode> tagged = v.fields().next();
        String tag = tagged.getKey();
        JsonNode x = tagged.getValue();
        switch (tag) {
            case "int8": return (byte) x.asInt();
            case "int16": return (short) x.asInt();
            case "int32": return x.asInt();
            case "int64": return Long.parseLong(x.asText());
            case "float32": return Float.intBitsToFloat(Integer.parseUnsignedInt(x.asText(), 16));
            case "float64": return Double.longBitsToDouble(Long.parseUnsignedLong(x.asText(), 16));
            case "boolean": return x.asBoolean();
            case "string": return x.asText();
            case "bytes": return Base64.getDecoder().decode(x.asText());
            case "decimal": return new BigDecimal(new BigInteger(x.get("unscaled").asText()), x.get("scale").asInt());
            case "date":
            case "time":
            case "timestamp": return new java.util.Date(Long.parseLong(x.asText()));
            case "array": {
                List<Object> list = new ArrayList<>();
                for (JsonNode e : x) list.add(toValue(schema == null ? null : schema.valueSchema(), e));
                return list;
            }
            case "map": {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (JsonNode e : x) {
                    map.put(toValue(schema == null ? null : schema.keySchema(), e.get(0)),
                            toValue(schema == null ? null : schema.valueSchema(), e.get(1)));
                }
                return map;
            }
            case "struct": {
                Struct struct = new Struct(schema.schema());
                for (JsonNode e : x) {
                    String name = e.get(0).asText();
                    struct.put(name, toValue(schema.field(name).schema(), e.get(1)));
                }
                return struct;
            }
            default: throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }

    static JsonNode dumpSchema(Schema s) {
        if (s == null) return NODES.nullNode();
        ObjectNode o = NODES.objectNode();
        o.put("type", s.type().getName());
        o.put("optional", s.isOptional());
        if (s.name() != null) o.put("name", s.name());
        if (s.version() != null) o.put("version", s.version());
        if (s.doc() != null) o.put("doc", s.doc());
        if (s.parameters() != null) {
            ObjectNode p = o.putObject("parameters");
            for (Map.Entry<String, String> e : s.parameters().entrySet()) p.put(e.getKey(), e.getValue());
        }
        if (s.defaultValue() != null) o.set("default", dumpValue(s, s.defaultValue()));
        switch (s.type()) {
            case ARRAY: o.set("items", dumpSchema(s.valueSchema())); break;
            case MAP: o.set("keys", dumpSchema(s.keySchema())); o.set("values", dumpSchema(s.valueSchema())); break;
            case STRUCT: {
                ArrayNode fields = o.putArray("fields");
                for (Field f : s.fields()) {
                    ObjectNode fo = fields.addObject();
                    fo.put("name", f.name());
                    fo.set("schema", dumpSchema(f.schema()));
                }
                break;
            }
            default: break;
        }
        return o;
    }

    static JsonNode dumpValue(Schema s, Object v) {
        if (v == null) return NODES.nullNode();
        ObjectNode o = NODES.objectNode();
        String name = s == null ? null : s.name();
        if (v instanceof java.util.Date) {
            String tag = Date.LOGICAL_NAME.equals(name) ? "date"
                : Time.LOGICAL_NAME.equals(name) ? "time"
                : Timestamp.LOGICAL_NAME.equals(name) ? "timestamp" : "javadate";
            o.put(tag, Long.toString(((java.util.Date) v).getTime()));
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            ObjectNode dec = o.putObject("decimal");
            dec.put("unscaled", d.unscaledValue().toString());
            dec.put("scale", d.scale());
        } else if (v instanceof Byte) o.put("int8", (Byte) v);
        else if (v instanceof Short) o.put("int16", (Short) v);
        else if (v instanceof Integer) o.put("int32", (Integer) v);
        else if (v instanceof Long) o.put("int64", v.toString());
        else if (v instanceof Float) o.put("float32", String.format("%08x", Float.floatToRawIntBits((Float) v)));
        else if (v instanceof Double) o.put("float64", String.format("%016x", Double.doubleToRawLongBits((Double) v)));
        else if (v instanceof Boolean) o.put("boolean", (Boolean) v);
        else if (v instanceof String) o.put("string", (String) v);
        else if (v instanceof byte[]) o.put("bytes", Base64.getEncoder().encodeToString((byte[]) v));
        else if (v instanceof ByteBuffer) {
            ByteBuffer bb = ((ByteBuffer) v).duplicate();
            byte[] copy = new byte[bb.remaining()];
            bb.get(copy);
            o.put("bytes", Base64.getEncoder().encodeToString(copy));
        } else if (v instanceof List) {
            ArrayNode a = o.putArray("array");
            for (Object e : (List<?>) v) a.add(dumpValue(s == null ? null : s.valueSchema(), e));
        } else if (v instanceof Map) {
            ArrayNode a = o.putArray("map");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                ArrayNode pair = a.addArray();
                pair.add(dumpValue(s == null ? null : s.keySchema(), e.getKey()));
                pair.add(dumpValue(s == null ? null : s.valueSchema(), e.getValue()));
            }
        } else if (v instanceof Struct) {
            Struct st = (Struct) v;
            ArrayNode a = o.putArray("struct");
            for (Field f : st.schema().fields()) {
                ArrayNode pair = a.addArray();
                pair.add(f.name());
                pair.add(dumpValue(f.schema(), st.getWithoutDefault(f.name())));
            }
        } else {
            o.put("unknown", v.getClass().getName());
        }
        return o;
    }
}
