using Approvals.Licensing.Applicants;

namespace Approvals.Licensing.Tests.Applicants;

public sealed class ContactAndNameTests
{
    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData("+86 138 0013 8000", "13800138000")]
    [InlineData("008619912345678", "19912345678")]
    [InlineData("021-62345678", "021-62345678")]
    [InlineData("0571 8765 4321", "057187654321")]
    [InlineData("(010)62345678", "(010)62345678")]
    [InlineData("0755-86013388-8000", "0755-86013388-8000")]
    public void Phone_MobileOrLandline_Normalised(string phone, string stored)
    {
        var check = ContactDetails.Phone(phone);
        check.Error.Should().BeNull();
        check.Normalised.Should().Be(stored);
    }

    [Theory]
    [InlineData("1380013800")]
    [InlineData("138001380001")]
    [InlineData("12800138000")]
    [InlineData("+1 415 555 0100")]
    [InlineData("62345678")]
    [InlineData("021-02345678")]
    [InlineData("21-62345678")]
    [InlineData("电话")]
    public void Phone_Other_Refused(string phone) =>
        ContactDetails.Phone(phone).Error.Should().NotBeNull();

    [Theory]
    [InlineData("a@example.cn", true)]
    [InlineData("li.wei+permits@mail.example.com.cn", true)]
    [InlineData("not-an-email", false)]
    [InlineData("a@b", false)]
    [InlineData("a b@example.cn", false)]
    [InlineData("a@@example.cn", false)]
    [InlineData("a@-example.cn", false)]
    public void Email_Checked(string email, bool valid) =>
        (ContactDetails.Email(email).Error is null).Should().Be(valid);

    [Fact]
    public void Email_TooLong_Refused() =>
        ContactDetails.Email(new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".cn").Error.Should().NotBeNull();

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("张", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("迪丽热巴·迪力木拉提", "迪*********")]
    [InlineData(" Li Wei ", "L*****")]
    [InlineData("𠀋一", "𠀋*")]
    [InlineData("13800138000", "***********")]
    [InlineData("", "*")]
    public void PublicName_Person_FirstCharacterOnly(string name, string shown) =>
        PublicNames.Of(name, ApplicantKind.Individual).Should().Be(shown);

    [Theory]
    [InlineData("星巴克")]
    [InlineData("腾讯")]
    [InlineData("上海味道餐饮管理有限公司")]
    public void PublicName_Organisation_Whole(string name) =>
        PublicNames.Of(name, ApplicantKind.Organisation).Should().Be(name);
}
