using System.Text.Json.Nodes;
using Tessera.Core.Hashing;

namespace Tessera.Core.Tests;

public class CanonicalJsonTests
{
    [Fact]
    public void Member_order_and_whitespace_do_not_change_the_canonical_form()
    {
        var a = CanonicalJson.Serialize("""{ "b": 1, "a": { "y": [1, 2, {"q": true, "p": null}], "x": "é" } }""");
        var b = CanonicalJson.Serialize("""{"a":{"x":"é","y":[1,2,{"p":null,"q":true}]},"b":1}""");
        Assert.Equal(b, a);
        Assert.Equal("""{"a":{"x":"é","y":[1,2,{"p":null,"q":true}]},"b":1}""", a);
    }

    [Fact]
    public void Array_order_is_significant()
    {
        Assert.NotEqual(CanonicalJson.Sha256(JsonNode.Parse("[1,2]")), CanonicalJson.Sha256(JsonNode.Parse("[2,1]")));
    }

    [Fact]
    public void The_hash_is_lower_case_sha256_of_the_canonical_text()
    {
        Assert.Equal(Sha256Hex.Of("""{"a":1}"""), CanonicalJson.Sha256(JsonNode.Parse("""{ "a" : 1 }""")));
        Assert.Equal("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb", Sha256Hex.Of("a"));
    }
}
