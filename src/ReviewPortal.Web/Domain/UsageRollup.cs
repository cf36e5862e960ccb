namespace ReviewPortal.Web.Domain;

/// <summary>
/// One UTC day of Claude usage for one subject, as Anthropic's usage reporting states it: tokens and requests per API key,
/// per member or service account in a workspace, and Claude Code work per actor. The Activity Feed does not record each
/// Messages request, so for an API key this is the evidence of use. Keyed by (subject, workspace, day): a re-read of a
/// day replaces its row, because upstream revises late data (never adds it twice).
/// </summary>
public class UsageRollup
{
    public UsageSubject Subject { get; set; }

    /// <summary>apikey_… for <see cref="UsageSubject.ApiKey"/>; user_… or svac_… for the others.</summary>
    public required string SubjectId { get; set; }

    /// <summary>The workspace the usage happened in; "" for the default workspace, or where the row is not split by one.</summary>
    public string WorkspaceId { get; set; } = "";

    public DateOnly Day { get; set; }

    /// <summary>The portal identity the subject resolved to when the row was written; null while the directory does not know it.</summary>
    public int? IdentityId { get; set; }

    public long Requests { get; set; }
    public long UncachedInputTokens { get; set; }
    public long CacheReadInputTokens { get; set; }
    public long CacheCreationInputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long WebSearchRequests { get; set; }

    /// <summary>Claude Code only: sessions, lines added and removed, commits and pull requests that day.</summary>
    public int Sessions { get; set; }
    public int LinesAdded { get; set; }
    public int LinesRemoved { get; set; }
    public int Commits { get; set; }
    public int PullRequests { get; set; }

    /// <summary>Every token the day's requests read or wrote, cached or not.</summary>
    public long TotalTokens => UncachedInputTokens + CacheReadInputTokens + CacheCreationInputTokens + OutputTokens;
}

public enum UsageSubject
{
    /// <summary>Messages usage of one API key (grouped by api_key_id), whichever workspace the key lives in.</summary>
    ApiKey = 0,

    /// <summary>Messages usage of one member (user_…) or service account (svac_…) in one workspace.</summary>
    Account = 1,

    /// <summary>Claude Code analytics of one actor: a member (user_…) or an API key (apikey_…).</summary>
    ClaudeCode = 2,
}
