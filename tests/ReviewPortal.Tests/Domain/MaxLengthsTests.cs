using System.Reflection;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Domain;

/// <summary>
/// The column lengths live in one place: every bounded column of the model is declared with its
/// <see cref="MaxLengths"/> constant, and descriptive text is shortened visibly and without breaking a character.
/// </summary>
public class MaxLengthsTests
{
    [Fact]
    public void EveryBoundedColumn_InTheModel_HasItsNamedConstant()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        var bounded = db.Model.GetEntityTypes()
            .Where(t => t.ClrType.Namespace == typeof(Identity).Namespace)
            .SelectMany(t => t.GetProperties().Where(p => p.GetMaxLength() is not null).Select(p => (Entity: t.ClrType.Name, p.Name, Max: p.GetMaxLength()!.Value)))
            .ToList();

        Assert.NotEmpty(bounded);
        Assert.All(bounded, column =>
        {
            var constant = typeof(MaxLengths).GetNestedType(column.Entity)?.GetField(column.Name, BindingFlags.Public | BindingFlags.Static);
            Assert.True(constant is not null, $"{column.Entity}.{column.Name} is bounded ({column.Max}) but MaxLengths.{column.Entity}.{column.Name} does not exist");
            Assert.Equal(column.Max, (int)constant.GetRawConstantValue()!);
        });
    }

    [Fact]
    public void Truncate_TextThatFits_ReturnedUnchanged()
    {
        Assert.Equal("Ada Anders", MaxLengths.Truncate("Ada Anders", 10));
        Assert.Null(MaxLengths.Truncate(null, 10));
    }

    [Fact]
    public void Truncate_LongerText_FitsExactlyAndEndsWithAnEllipsis()
    {
        var shortened = MaxLengths.Truncate(new string('a', 400), MaxLengths.Identity.DisplayName);

        Assert.Equal(MaxLengths.Identity.DisplayName, shortened.Length);
        Assert.Equal(new string('a', MaxLengths.Identity.DisplayName - 1) + "…", shortened);
    }

    [Fact]
    public void Truncate_CutThroughASurrogatePair_DropsTheWholeCharacter()
    {
        // "😀" is two UTF-16 units; a cut after its first would leave half a character, which no UTF-8 column stores.
        var shortened = MaxLengths.Truncate("abcd😀efgh", 6);

        Assert.Equal("abcd…", shortened);
        Assert.True(MaxLengths.Fits(shortened, 6));
    }
}
