package dev.sluice.apicurio;

import apicurio.common.app.components.config.index.DynamicPropertiesInfoRecorder;
import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.deployment.BeanDiscoveryFinishedBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.processor.InjectionPointInfo;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;

/**
 * Stands in for Apicurio's config-index deployment module (not on Maven Central): at build time
 * it lists every field injected as {@code @ConfigProperty @Dynamic Supplier<T>} and hands that
 * list to the extension's own runtime recorder, which makes it the DynamicConfigPropertyList bean.
 */
public class DynamicConfigIndexStep {
  private static final DotName CONFIG_PROPERTY = DotName.createSimple(ConfigProperty.class.getName());
  private static final DotName DYNAMIC = DotName.createSimple(Dynamic.class.getName());

  @BuildStep
  @Record(ExecutionTime.RUNTIME_INIT)
  void dynamicPropertyList(
      DynamicPropertiesInfoRecorder recorder,
      BeanDiscoveryFinishedBuildItem beans,
      BuildProducer<SyntheticBeanBuildItem> syntheticBeans) throws ClassNotFoundException {
    List<DynamicConfigPropertyDef> definitions = new ArrayList<>();
    for (InjectionPointInfo point : beans.getInjectionPoints()) {
      AnnotationInstance configProperty = point.getRequiredQualifier(CONFIG_PROPERTY);
      if (configProperty == null || !point.isField()) continue;
      AnnotationInstance dynamic = point.getTarget().asField().annotation(DYNAMIC);
      if (dynamic == null) continue;
      definitions.add(definition(point, configProperty, dynamic));
    }
    syntheticBeans.produce(
        SyntheticBeanBuildItem.configure(DynamicConfigPropertyList.class)
            .runtimeValue(recorder.initializePropertiesInfo(definitions))
            .unremovable()
            .setRuntimeInit()
            .done());
  }

  private static DynamicConfigPropertyDef definition(
      InjectionPointInfo point, AnnotationInstance configProperty, AnnotationInstance dynamic)
      throws ClassNotFoundException {
    String name = configProperty.value("name").asString();
    AnnotationValue defaultValue = configProperty.value("defaultValue");
    if (defaultValue == null) {
      throw new IllegalStateException("dynamic config property " + name + " has no default value");
    }
    // The field is a Supplier<T>: T is the property's type.
    String valueType = point.getRequiredType().asParameterizedType().arguments().get(0).name().toString();
    DynamicConfigPropertyDef definition =
        new DynamicConfigPropertyDef(name, Class.forName(valueType), defaultValue.asString());
    AnnotationValue label = dynamic.value("label");
    if (label != null) definition.setLabel(label.asString());
    AnnotationValue description = dynamic.value("description");
    if (description != null) definition.setDescription(description.asString());
    AnnotationValue requires = dynamic.value("requires");
    if (requires != null) definition.setRequires(requires.asStringArray());
    return definition;
  }
}
