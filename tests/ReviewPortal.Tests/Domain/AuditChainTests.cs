using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Domain;

public class AuditChainTests
{
    private static AuditEntry Entry() => new()
    {
        Sequence = 7,
        OccurredAt = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
        ActorId = 42,
        Actor = "Avery Okafor",
        Action = "review.decided",
        TargetType = "ReviewItem",
        TargetId = "17",
        IdentityId = 5,
        CampaignId = 3,
        Before = """{"outcome":null}""",
        After = """{"outcome":"Revoke"}""",
        CorrelationId = "trace-1",
        PreviousHash = new string('a', 64),
        Hash = "",
    };

    [Theory]
    [InlineData("Sequence")]
    [InlineData("OccurredAt")]
    [InlineData("ActorId")]
    [InlineData("Actor")]
    [InlineData("Action")]
    [InlineData("TargetType")]
    [InlineData("TargetId")]
    [InlineData("IdentityId")]
    [InlineData("CampaignId")]
    [InlineData("Before")]
    [InlineData("After")]
    [InlineData("CorrelationId")]
    [InlineData("PreviousHash")]
    public void ComputeHash_AnyFieldChanges_HashChanges(string field)
    {
        var original = AuditChain.ComputeHash(Entry());
        var changed = Entry();
        Action<AuditEntry> change = field switch
        {
            "Sequence" => e => e.Sequence++,
            "OccurredAt" => e => e.OccurredAt = e.OccurredAt.AddTicks(1),
            "ActorId" => e => e.ActorId = null,
            "Actor" => e => e.Actor += "x",
            "Action" => e => e.Action = "review.reopened",
            "TargetType" => e => e.TargetType = "Grant",
            "TargetId" => e => e.TargetId = "18",
            "IdentityId" => e => e.IdentityId = 6,
            "CampaignId" => e => e.CampaignId = null,
            "Before" => e => e.Before = null,
            "After" => e => e.After = """{"outcome":"Keep"}""",
            "CorrelationId" => e => e.CorrelationId = "trace-2",
            "PreviousHash" => e => e.PreviousHash = new string('b', 64),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        change(changed);

        Assert.NotEqual(original, AuditChain.ComputeHash(changed));
    }

    [Fact]
    public void ComputeHash_StoredHashChanges_HashUnchanged()
    {
        var entry = Entry();
        var before = AuditChain.ComputeHash(entry);
        entry.Hash = "anything";
        Assert.Equal(before, AuditChain.ComputeHash(entry));
    }

    [Fact]
    public void ComputeHash_SameInstantDifferentOffset_SameHash()
    {
        var utc = Entry();
        var local = Entry();
        local.OccurredAt = new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal(utc.OccurredAt, local.OccurredAt);
        Assert.Equal(AuditChain.Canonicalize(utc), AuditChain.Canonicalize(local));
        Assert.Equal(AuditChain.ComputeHash(utc), AuditChain.ComputeHash(local));
    }

    [Fact]
    public void Seal_AfterHead_SetsNextSequencePreviousHashAndOwnHash()
    {
        var entry = Entry();
        var head = new string('c', 64);

        AuditChain.Seal(entry, previousSequence: 41, previousHash: head);

        Assert.Equal(42, entry.Sequence);
        Assert.Equal(head, entry.PreviousHash);
        Assert.Matches("^[0-9a-f]{64}$", entry.Hash);
        Assert.Equal(AuditChain.ComputeHash(entry), entry.Hash);
    }

    [Fact]
    public void Seal_TwoEntries_SecondLinksToFirst()
    {
        var first = Entry();
        var second = Entry();

        AuditChain.Seal(first, 0, AuditChain.Genesis);
        AuditChain.Seal(second, first.Sequence, first.Hash);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(AuditChain.Genesis, first.PreviousHash);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.NotEqual(first.Hash, second.Hash);
    }
}
