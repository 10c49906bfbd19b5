package io.tessera.server.grpc;

import io.tessera.cri.v1.ImageServiceGrpc;

/**
 * CRI ImageService. Every RPC answers UNIMPLEMENTED naming the method (grpc-java's generated
 * default) until image pulling lands; registering the service makes that an honest answer rather
 * than "unknown service".
 */
public final class CriImageService extends ImageServiceGrpc.ImageServiceImplBase {}
