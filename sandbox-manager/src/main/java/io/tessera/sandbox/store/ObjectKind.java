package io.tessera.sandbox.store;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What {@link JsonObjectStore} needs to know about one kind of object.
 *
 * @param noun for messages ("pod sandbox")
 * @param kindDir the directory holding one directory per object
 * @param fileName the JSON file inside an object's directory
 * @param durable a status without its transient parts, to skip writes that would not change the
 *     file
 */
record ObjectKind<T, S>(
    String noun,
    Path kindDir,
    String fileName,
    JsonCodec<T, ?> codec,
    Function<T, String> id,
    Function<T, S> status,
    BiFunction<T, S, T> withStatus,
    UnaryOperator<S> durable,
    Comparator<T> order) {}
