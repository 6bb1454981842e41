package sluice.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The typed JSON form the differential tests exchange with their harnesses (the Java side of
 * test-fixtures' connect-typed-values.ts): S is a plain description of a Connect schema, V a
 * typed value ({"int64":"5"}, floats as raw IEEE bits, ...). Both are built and dumped here
 * with Connect's data API only, never with a converter.
 */
public final class ConnectValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConnectValues() {}

    /** Builds the Connect schema a description S gives (null for none). */
    public static Schema toSchema(JsonNode s) {
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

    /** Builds the Connect value a typed value V describes (schemaless when schema is null). */
    public static Object toValue(Schema schema, JsonNode v) {
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
                // A struct default is built against the SchemaBuilder itself: Connect compares a
                // struct's schema with the builder's by identity when the default is set.
                Struct struct = new Struct(schema);
                for (JsonNode e : x) {
                    String name = e.get(0).asText();
                    struct.put(name, toValue(schema.field(name).schema(), e.get(1)));
                }
                return struct;
            }
            default: throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }

    /** Dumps a Connect schema as a description S. */
    public static JsonNode dumpSchema(Schema s) {
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

    /** Dumps a Connect value as a typed value V. */
    public static JsonNode dumpValue(Schema s, Object v) {
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
