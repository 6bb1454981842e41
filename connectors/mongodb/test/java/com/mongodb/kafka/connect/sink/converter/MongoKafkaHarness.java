package com.mongodb.kafka.connect.sink.converter;

import com.mongodb.kafka.connect.source.json.formatter.JsonWriterSettingsProvider;
import com.mongodb.kafka.connect.source.schema.BsonDocumentToSchema;
import com.mongodb.kafka.connect.source.schema.BsonValueToSchemaAndValue;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * Sluice's differential harness against MongoDB's Kafka connector (mongo-kafka): one JSON request
 * per stdin line, one JSON answer per stdout line. In the sink converter's package because
 * SchemaRecordConverter is package-private.
 *
 * <ul>
 *   <li>{"kind": "json", "bson": base64, "formatter": "DefaultJson"}: {"json": text} (the source's
 *       output.format=json);
 *   <li>{"kind": "infer", "bson": base64, "formatter": ...}: {"connect": JsonConverter text} of
 *       output.schema.infer.value=true;
 *   <li>{"kind": "sink", "connect": JsonConverter text}: {"bson": base64} of the sink's struct
 *       conversion;
 *   <li>{"kind": "parse", "text": json}: {"bson": base64} of the sink's JSON string conversion.
 * </ul>
 */
public final class MongoKafkaHarness {
  private static final String FORMATTERS = "com.mongodb.kafka.connect.source.json.formatter.";

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true"), false);
    String line;
    while ((line = in.readLine()) != null) {
      BsonDocument answer = new BsonDocument();
      try {
        BsonDocument request = BsonDocument.parse(line);
        switch (request.getString("kind").getValue()) {
          case "json":
            answer.put(
                "json",
                new BsonString(
                    new RawBsonDocument(bytes(request, "bson"))
                        .toJson(formatter(request).getJsonWriterSettings())));
            break;
          case "infer":
            {
              BsonDocument doc = decode(bytes(request, "bson"));
              Schema schema = BsonDocumentToSchema.inferDocumentSchema(doc);
              SchemaAndValue sv =
                  new BsonValueToSchemaAndValue(formatter(request).getJsonWriterSettings())
                      .toSchemaAndValue(schema, doc);
              answer.put(
                  "connect",
                  new BsonString(
                      new String(
                          converter.fromConnectData("t", sv.schema(), sv.value()),
                          StandardCharsets.UTF_8)));
              break;
            }
          case "sink":
            {
              SchemaAndValue sv =
                  converter.toConnectData(
                      "t",
                      request.getString("connect").getValue().getBytes(StandardCharsets.UTF_8));
              answer.put(
                  "bson",
                  new BsonString(
                      encode(new SchemaRecordConverter().convert(sv.schema(), sv.value()))));
              break;
            }
          case "parse":
            answer.put(
                "bson",
                new BsonString(encode(BsonDocument.parse(request.getString("text").getValue()))));
            break;
          default:
            throw new IllegalArgumentException("unknown kind " + request.getString("kind"));
        }
      } catch (Throwable e) {
        answer = new BsonDocument("error", new BsonString(e.toString()));
      }
      out.println(answer.toJson());
    }
  }

  private static byte[] bytes(BsonDocument request, String key) {
    return Base64.getDecoder().decode(request.getString(key).getValue());
  }

  private static BsonDocument decode(byte[] bytes) {
    return new RawBsonDocument(bytes).decode(new BsonDocumentCodec());
  }

  private static String encode(BsonDocument doc) {
    ByteBuffer buffer = new RawBsonDocument(doc, new BsonDocumentCodec()).getByteBuffer().asNIO();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return Base64.getEncoder().encodeToString(out);
  }

  private static JsonWriterSettingsProvider formatter(BsonDocument request) throws Exception {
    return (JsonWriterSettingsProvider)
        Class.forName(FORMATTERS + request.getString("formatter").getValue())
            .getDeclaredConstructor()
            .newInstance();
  }
}
