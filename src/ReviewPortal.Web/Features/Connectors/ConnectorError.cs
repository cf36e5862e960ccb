using ReviewPortal.Claude;

namespace ReviewPortal.Web.Features.Connectors;

public static class ConnectorError
{
    /// <summary>What a run records about its failure: the API's status, error type and message (never a key).</summary>
    public static string Describe(Exception ex) =>
        ex is ClaudeApiException api ? $"{api.StatusCode} {api.ErrorType}: {api.ApiMessage}" : ex.Message;
}
