namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// The id of one action a person takes (a click, a save): every audit entry it writes and every job it queues carries it,
/// so the ledger shows what one action did. Minted here and nowhere else.
/// </summary>
public static class CorrelationId
{
    public static string New() => Guid.NewGuid().ToString("N");
}
