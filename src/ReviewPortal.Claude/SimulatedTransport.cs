namespace ReviewPortal.Claude;

/// <summary>
/// Where the clients send requests in <see cref="ClaudeMode.Simulated"/>: a handler that answers in process with the same
/// wire contract. Registered by the simulated organization's assembly (demo mode, tests), so this library ships without it.
/// </summary>
public sealed class SimulatedTransport(Func<HttpMessageHandler> createHandler)
{
    public HttpMessageHandler CreateHandler() => createHandler();
}
