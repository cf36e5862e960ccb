using ReviewPortal.Claude;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

public static class ConnectorError
{
    /// <summary>
    /// What a run records about its failure: the API's status, error type and message (never a key), shortened to the
    /// run's error column, since an upstream message has no length limit and a refused save would lose the run's record.
    /// </summary>
    public static string Describe(Exception ex) => MaxLengths.Truncate(
        ex is ClaudeApiException api ? api.Summary : ex.Message, MaxLengths.IngestionRun.Error);
}
