/** The ListPodSandbox and ListContainers filters as domain values with pure matching. */
package io.tessera.sandbox.filter;
