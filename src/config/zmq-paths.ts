/** Where our daemon's ZeroMQ sockets are next to a unix_http_server file (shared by supervisorctl's loader). */

/** The endpoints our daemon binds next to a unix socket `path` (`ipc://path.zmq`, `ipc://path.pub.zmq`). */
export function zmqEndpointsForUnixSocket(path: string): { endpoint: string; pubsubEndpoint: string } {
  return { endpoint: `ipc://${path}.zmq`, pubsubEndpoint: `ipc://${path}.pub.zmq` };
}
