using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Domain;

public class GrantCloseTests
{
    private static readonly DateTimeOffset Granted = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Close_OpenGrant_EndsAtGivenTime()
    {
        var grant = new Grant { GrantedAt = Granted };
        Assert.True(grant.IsOpen);

        grant.Close(Granted.AddDays(10));

        Assert.False(grant.IsOpen);
        Assert.Equal(Granted.AddDays(10), grant.EndedAt);
    }

    [Fact]
    public void Close_AlreadyClosed_KeepsFirstEndTime()
    {
        var grant = new Grant { GrantedAt = Granted };
        grant.Close(Granted.AddDays(10));

        grant.Close(Granted.AddDays(20));
        grant.Close(Granted.AddDays(5));

        Assert.Equal(Granted.AddDays(10), grant.EndedAt);
        Assert.False(grant.IsOpen);
    }
}
