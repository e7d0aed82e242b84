package io.confluent.ksql.function.udf;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Compile-only stand-in: see ksqldb-udf-api/README.md. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Udf {

  String NO_SCHEMA = "";
  String NO_SCHEMA_PROVIDER = "";

  String description() default "";

  String schema() default NO_SCHEMA;

  String schemaProvider() default NO_SCHEMA_PROVIDER;
}
