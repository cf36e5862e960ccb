using ReviewPortal.Claude.Models;

namespace ReviewPortal.Claude.Simulation;

// Usage reporting of the simulated organization: Messages usage per key (and so per key holder in the key's workspace) and
// Claude Code analytics per engineer, derived per (subject, day) from a stable hash, so every read of a day answers the
// same. Built after the feed history from its own Random: the existing keys, people and feed events are unchanged.
public sealed partial class SimulatedOrganization
{
    /// <summary>Keys whose only use is Messages requests: no feed event ever names them, only the usage report.</summary>
    internal readonly HashSet<string> MessagesOnlyKeys = new(StringComparer.Ordinal);

    private void BuildMessagesOnlyKeys()
    {
        var rng = new Random(unchecked(_options.Seed * 17 + 3));
        var creators = _people.Where(p => p.Department is "Engineering" or "Data Science" && p.Employed).ToList();
        if (creators.Count == 0)
        {
            return;
        }
        var count = Math.Max(1, _options.ApiKeys / 10);
        for (var i = 0; i < count; i++)
        {
            var creator = creators[rng.Next(creators.Count)];
            var workspace = WorkspaceList.Count == 0 ? null : WorkspaceList[rng.Next(WorkspaceList.Count)];
            var key = new ApiKey
            {
                Id = NewId(rng, "apikey_01", 20),
                Name = $"{workspace?.Name ?? "default"}-inference-{i + 1}",
                Status = ApiKeyStatus.Active,
                CreatedAt = Anchor.AddDays(-_options.HistoryDays - rng.Next(30, 200)),
                CreatedBy = new PrincipalRef { Id = creator.UserId, Type = "user" },
                Principal = new PrincipalRef { Id = creator.UserId, Type = "user" },
                PartialKeyHint = $"sk-ant-api03-{NewId(rng, "", 3)}...{NewId(rng, "", 4)}",
                WorkspaceId = workspace?.Id,
            };
            ApiKeyList.Add(key);
            _keyUsage.Add((key, "messages"));
            MessagesOnlyKeys.Add(key.Id);
        }
        ApiKeyList.Sort((a, b) => Nullable.Compare(b.CreatedAt, a.CreatedAt));
    }

    /// <summary>One key's Messages usage on <paramref name="day"/> (null: none), the same on every read.</summary>
    internal (long Input, long Output, long CacheRead, long CacheWrite, long Requests, long WebSearch)? KeyUsage(ApiKey key, string usage, DateOnly day)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (day > today || key.Status != ApiKeyStatus.Active || usage is not ("normal" or "spike" or "messages")
            || key.CreatedAt is { } created && DateOnly.FromDateTime(created.UtcDateTime) > day)
        {
            return null;
        }
        var rng = new Random(StableHash(key.Id, day));
        // Weekdays mostly; the spike key bursts in the last three days.
        if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? rng.NextDouble() < 0.8 : rng.NextDouble() < 0.1)
        {
            return null;
        }
        var scale = usage == "spike" && day >= today.AddDays(-2) ? 40 : usage == "messages" ? 8 : 1;
        var requests = (long)rng.Next(5, 200) * scale;
        return (requests * rng.Next(300, 1500), requests * rng.Next(50, 400), requests * rng.Next(0, 800), requests * rng.Next(0, 100), requests,
            rng.NextDouble() < 0.2 ? rng.Next(1, 20) : 0);
    }

    /// <summary>Every key with usage that day, with its key: the handler groups it by key, or by holder and workspace.</summary>
    internal List<(ApiKey Key, (long Input, long Output, long CacheRead, long CacheWrite, long Requests, long WebSearch) Usage)> UsageOn(DateOnly day)
    {
        var rows = new List<(ApiKey, (long, long, long, long, long, long))>();
        foreach (var (key, usage) in _keyUsage)
        {
            if (KeyUsage(key, usage, day) is { } used)
            {
                rows.Add((key, used));
            }
        }
        return rows;
    }

    /// <summary>Claude Code days of employed engineers (by email, as the endpoint names them): about one day in three.</summary>
    internal List<ClaudeCodeRecord> ClaudeCodeOn(DateOnly day)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var records = new List<ClaudeCodeRecord>();
        if (day > today)
        {
            return records;
        }
        foreach (var person in _people.Where(p => p.Employed && p.Department == "Engineering"))
        {
            var rng = new Random(StableHash(person.UserId, day));
            if (rng.NextDouble() > 0.33)
            {
                continue;
            }
            var sessions = rng.Next(1, 6);
            records.Add(new ClaudeCodeRecord
            {
                Actor = new UsageActor { Type = "user_actor", EmailAddress = person.Email },
                CoreMetrics = new ClaudeCodeCoreMetrics
                {
                    NumSessions = sessions,
                    LinesOfCode = new ClaudeCodeLines { Added = rng.Next(10, 600), Removed = rng.Next(0, 200) },
                    CommitsByClaudeCode = rng.Next(0, 4),
                    PullRequestsByClaudeCode = rng.Next(0, 2),
                },
                ModelBreakdown =
                [
                    new ClaudeCodeModelUsage
                    {
                        Model = "claude-sonnet-5",
                        Tokens = new ClaudeCodeTokens { Input = sessions * rng.Next(2_000, 20_000), Output = sessions * rng.Next(500, 5_000), CacheRead = sessions * rng.Next(0, 50_000) },
                    },
                ],
            });
        }
        return records;
    }

    /// <summary>FNV-1a of the subject and the day: string.GetHashCode differs per process, and a day must read the same in every one.</summary>
    private int StableHash(string subject, DateOnly day)
    {
        var hash = 2166136261u ^ (uint)_options.Seed;
        foreach (var c in subject)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        hash = unchecked((hash ^ (uint)day.DayNumber) * 16777619u);
        return unchecked((int)hash);
    }
}
