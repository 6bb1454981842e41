package sluice.harness;

import static sluice.harness.ConnectValues.dumpSchema;
import static sluice.harness.ConnectValues.dumpValue;
import static sluice.harness.ConnectValues.toSchema;
import static sluice.harness.ConnectValues.toValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.apicurio.registry.utils.converter.SerdeBasedConverter;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Differential-test harness: runs Apicurio Registry's AvroConverter (a fork of Confluent's
 * AvroData over Apicurio's serdes, configured by the test for Confluent's wire format: magic
 * byte, 4-byte content id, no headers) on requests read as JSON lines from stdin, one JSON line
 * answered per request on stdout.
 *
 * Request: {"op":"encode"|"decode", "config":{...}, "isKey":bool, "topic":"t",
 *           "schema": S|null, "value": V}  (encode)   or  "bytes": base64|null (decode)
 * Answer:  {"bytes": base64|null}  |  {"schema": S|null, "value": V}  |  {"error": "..."}
 *
 * Encoding is the converter's fromConnectData. Decoding is Confluent's
 * AvroConverter.toConnectData made of Apicurio's parts: Apicurio's deserializer reads the
 * message (magic byte, id, writer schema from the registry, Avro binary), then Apicurio's
 * AvroData turns the writer schema and value into Connect data with the registry version of
 * the writer schema under the topic's subject. Apicurio's serdes differ from Confluent's in
 * three ways that this harness makes Confluent's, so that what is compared is AvroData's
 * mapping and Avro's encoding:
 * - Confluent writes a top-level `bytes` value (a Decimal too) as the bytes themselves after
 *   the header, and reads it so; Apicurio writes Avro's length first.
 * - Apicurio's toConnectData hands AvroData only records: a top-level int or string comes back
 *   with no schema. Here the writer schema goes with every value, as in Confluent's.
 * - Apicurio passes no registry version to AvroData; Confluent's passes the version of the
 *   writer schema under the subject (a Connect schema without connect.version gets it).
 */
public final class AvroConverterHarness {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Configured converters by config and isKey: each one has its own registry client and caches. */
    private static final Map<String, Converters> CONVERTERS = new HashMap<>();

    /** Remembers the writer schema and the Avro value of the last message it read. */
    static final class CapturingDeserializer extends AvroKafkaDeserializer<Object> {
        org.apache.avro.Schema writer;
        Object avroValue;

        @Override
        protected Object readData(ParsedSchema<org.apache.avro.Schema> schema, ByteBuffer buffer, int start, int length) {
            writer = schema.getParsedSchema();
            avroValue = super.readData(schema, buffer, start, length);
            return avroValue;
        }
    }

    static final class Converters {
        final AvroConverter<Object> converter = new AvroConverter<>();
        final CapturingDeserializer deserializer = new CapturingDeserializer();
        final AvroData avroData;
        final String ccompatUrl;

        Converters(Map<String, Object> config, boolean isKey) {
            Map<String, Object> withDeserializer = new HashMap<>(config);
            withDeserializer.put(SerdeBasedConverter.REGISTRY_CONVERTER_DESERIALIZER_PARAM, deserializer);
            converter.configure(withDeserializer, isKey);
            avroData = new AvroData(new AvroDataConfig(config));
            // The same registry's Confluent-compatible API, for the version look-up.
            ccompatUrl = String.valueOf(config.get("apicurio.registry.url"))
                .replace("/apis/registry/v2", "/apis/ccompat/v7");
        }
    }

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
                Throwable root = e;
                StringBuilder message = new StringBuilder(e.getClass().getName() + ": " + e.getMessage());
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                    message.append(" / ").append(root.getClass().getName()).append(": ").append(root.getMessage());
                }
                answer.put("error", message.toString());
            }
            out.println(MAPPER.writeValueAsString(answer));
        }
        out.flush();
    }

    private static ObjectNode handle(JsonNode request) throws Exception {
        String op = request.get("op").asText();
        Map<String, Object> config = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = request.path("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        boolean isKey = request.path("isKey").asBoolean(false);
        Converters converters = CONVERTERS.computeIfAbsent(
            MAPPER.writeValueAsString(request.path("config")) + isKey, k -> new Converters(config, isKey));
        String topic = request.get("topic").asText();
        ObjectNode answer = NODES.objectNode();
        if (op.equals("encode")) {
            Schema schema = toSchema(request.get("schema"));
            Object value = toValue(schema, request.get("value"));
            byte[] bytes = converters.converter.fromConnectData(topic, schema, value);
            if (bytes != null && schema != null
                && converters.avroData.fromConnectSchema(schema).getType() == org.apache.avro.Schema.Type.BYTES) {
                bytes = withoutAvroLength(bytes);
            }
            answer.put("bytes", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
        } else if (op.equals("decode")) {
            JsonNode b = request.get("bytes");
            byte[] bytes = b == null || b.isNull() ? null : Base64.getDecoder().decode(b.asText());
            SchemaAndValue result;
            if (bytes == null) {
                result = SchemaAndValue.NULL;
            } else {
                int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
                String writerText = schemaById(converters.ccompatUrl, id);
                org.apache.avro.Schema writer = new org.apache.avro.Schema.Parser().parse(writerText);
                Object avroValue;
                if (writer.getType() == org.apache.avro.Schema.Type.BYTES) {
                    avroValue = java.util.Arrays.copyOfRange(bytes, 5, bytes.length);
                } else {
                    converters.deserializer.deserialize(topic, bytes);
                    writer = converters.deserializer.writer;
                    avroValue = converters.deserializer.avroValue;
                }
                String subject = topic + (isKey ? "-key" : "-value");
                result = converters.avroData.toConnectData(
                    writer, avroValue, registryVersion(converters.ccompatUrl, subject, writerText));
            }
            answer.set("schema", dumpSchema(result.schema()));
            answer.set("value", dumpValue(result.schema(), result.value()));
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
        return answer;
    }

    /**
     * Confluent's framing of a top-level `bytes` schema (a decimal too): the bytes themselves
     * after the header, where Apicurio's serializer writes Avro's length first.
     */
    private static byte[] withoutAvroLength(byte[] message) throws Exception {
        ByteBuffer content = org.apache.avro.io.DecoderFactory.get()
            .binaryDecoder(message, 5, message.length - 5, null).readBytes(null);
        byte[] out = new byte[5 + content.remaining()];
        System.arraycopy(message, 0, out, 0, 5);
        content.get(out, 5, content.remaining());
        return out;
    }

    /** The text of schema `id` (the writer's), from the registry. */
    private static String schemaById(String ccompatUrl, int id) throws Exception {
        HttpResponse<String> byId = HTTP.send(
            HttpRequest.newBuilder(URI.create(ccompatUrl + "/schemas/ids/" + id)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (byId.statusCode() != 200) throw new IllegalStateException("schema " + id + ": " + byId.body());
        return MAPPER.readTree(byId.body()).get("schema").asText();
    }

    /**
     * The version of the writer's schema under `subject`, as Confluent's deserializer asks it;
     * null when it is not there.
     */
    private static Integer registryVersion(String ccompatUrl, String subject, String writerText) throws Exception {
        ObjectNode lookup = NODES.objectNode();
        lookup.put("schema", writerText);
        HttpResponse<String> found = HTTP.send(
            HttpRequest.newBuilder(URI.create(
                    ccompatUrl + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(lookup)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        if (found.statusCode() == 404) return null;
        if (found.statusCode() != 200) throw new IllegalStateException(subject + ": " + found.body());
        return MAPPER.readTree(found.body()).get("version").asInt();
    }
}
