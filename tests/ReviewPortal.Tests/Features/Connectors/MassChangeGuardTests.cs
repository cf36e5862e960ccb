using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>The limit one sync may remove: a share of what it governs, never below the floor, raised only by an approval.</summary>
public sealed class MassChangeGuardTests
{
    private static readonly MassChangeGuard Guard = new(MaxShare: 0.2, Floor: 5);

    [Theory]
    [InlineData(150, 30, false)] // exactly the share
    [InlineData(150, 31, true)]
    [InlineData(15, 3, false)] // 0.2 × 15 is 3, not 2.999…
    [InlineData(1, 1, false)] // a tiny organization loses its one grant
    [InlineData(10, 5, false)] // the floor: half of a small organization
    [InlineData(10, 6, true)]
    [InlineData(0, 0, false)]
    [InlineData(200, 200, true)] // the empty answer
    public void Judge_WithoutApproval_BlocksMoreThanTheShareAboveTheFloor(int total, int removing, bool blocked)
    {
        Assert.Equal(blocked, Guard.Judge(total, removing).Blocked);
    }

    [Fact]
    public void Judge_Approved_AllowsUpToTheApprovedRemovalsAndNoMore()
    {
        Assert.False(Guard.Judge(200, 180, approved: 180).Blocked);
        Assert.True(Guard.Judge(200, 181, approved: 180).Blocked);
        Assert.Equal(40, Guard.Judge(200, 10, approved: 3).Limit); // an approval never lowers the limit
    }

    [Fact]
    public void Judge_ShareOfOneOrMore_NeverBlocks()
    {
        Assert.False(new MassChangeGuard(1.5, 0).Judge(100, 100).Blocked);
    }
}
