namespace ReviewPortal.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder_IsReplacedByRealTests() => Assert.True(typeof(Program).Assembly.GetName().Name == "ReviewPortal.Web");
}
