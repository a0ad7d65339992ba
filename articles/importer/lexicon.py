"""Word lists for the entities stage: surnames, titles, organization suffixes.

Everything here is plain data plus the regular expressions built from it, compiled
once at import. The lists are written for Simplified Chinese: pages in Traditional
characters are folded (``textfold``) before they are matched.
"""

import re

CJK = "\u4e00-\u9fff"


def _words(text):
    """The whitespace-separated words of a multi-line literal."""
    return text.split()


# --- Persons ------------------------------------------------------------------

# Double surnames first: 欧阳修 is 欧阳 + 修, not 欧 + 阳修.
COMPOUND_SURNAMES = frozenset(
    _words(
        """
        欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木
        独孤 南宫 西门 万俟 闻人 赫连 澹台 申屠 轩辕 钟离 宗政 濮阳 公冶 太叔 仲孙
        单于 百里 呼延 拓跋 左丘 东郭 第五 谷梁 司空 巫马 公西 乐正 壤驷
        """
    )
)

# The common single surnames (about 99 % of the population). Characters that are
# far more often ordinary words than surnames in news text (党, 全, 和 …) are left
# out: a name is never taken on its surname alone, but these would cost more
# false names than they find.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁"
    "蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯"
    "江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柳牛"
    "温尤路伍靳阴游殷焦景习屈项祝聂章鲁葛岳欧简柴邢房耿阎翟季詹管卜裴冉鲍饶庞滕"
    "苗凌费纪仇骆蓝晏戚沙隋俞解车兰符封麦桂丛阮樊巫栾窦蒲臧宫郁喻盛刁匡米储练池"
    "宗甄荣尚郎霍褚蒙闵卓宿揭商毕邬邝卞冷谷戈贝鞠阳帅初智茅缪柯虞薄禹伏冀狄逯农"
    "应佟苑杭粟居厉牟芮仲扈相邰鄢酆甘申艾祁涂连舒单左鄂綦湛闻晋娄苟诸巩时明宁"
    "成齐包代关查芦汝缑"
)

# Characters that never end or fill a given name in practice: function words,
# punctuation-like particles and the most frequent non-name morphemes.
NON_NAME_CHARS = frozenset(
    "的了是们这那个之所被把对从于都就又还而但并则即很更最不没无会议等及与或各该"
    "本此每某要应需须能可因如若虽且着过得地月日后里说指调持席参届次项党委员级部局"
    "处厅院校所室组办科司署市省区县镇乡村届第年位名人"
)

# Two-character words that begin with a surname character but are not names.
NOT_NAMES = frozenset(
    _words(
        """
        项目 高度 高校 方面 方式 方案 方向 常务 常态 安全 安排 时间 时期 明确 明年
        成果 成为 成立 成效 平台 文化 文件 文明 任务 任何 关于 关键 关注 管理 包括
        程序 周年 周边 范围 严格 陆续 应邀 向前 于是 万元 余人 齐心 金融 龙头 康复
        曾经 和平 江苏 武汉 黄河 林业 司法 景区 路线 路径 车辆 车间 单位 代表 代理
        宁夏 米兰 宗旨 尚未 相关 相互 连续 连同 舒适 左右 诸多 巩固 晋升 时代 明显
        齐全 包含 关心 关系 关心 邵阳 曹县 华夏 贺信 贺电 祝贺 季度 纪律 纪检 严肃
        严重 常规 常委 应当 应该 于此 甘肃 申报 艾滋 闻名 简称 简要 简介 毕业 戴帽
        冷链 单独 田间 石油 向着 万众 段落 柯桥 董事 解决 解读 车站 兰州 符合 封闭
        章程 岳阳 葛洲 房屋 季节 管控 管委 卜卦 宫殿 宿舍 商务 商业 毕竟 农业 农村
        农民 应急 苑囿 谷物 初步 初心 智慧 智能 茅台 禹州 冀中 相应 相当 单纯 左侧
        晋城 苏州 江西 江南 高新 高等 高级 高端 高效 高层 高陵 牛市 温度 温暖 韩国
        史上 陶瓷 毛利 汤圆 康养 易于 施工 施策 洪水 辛苦 柳州 秦岭 邱县 侯马 金华
        金属 钱财 戴上 许多 许可 唐山 宋代 胡同 林业 罗马 梁山 谢谢 邓州 肖像 田野
        董事 潘家 余额 杜绝 叶片 程度 魏晋 苏联 吕梁 丁点 任职 沈阳 钟表 姜堰 陆地
        范例 石家 金融 贾汪 夏季 付出 方法 邹城 熊猫 白天 白色 秦朝 侯爵 江河 薛家
        闫家 段位 雷达 龙江 黎族 史料 陶冶 贺兰 郝家 顾问 龚家 邵东 万物 覃塘 武装
        武器 钱塘 严厉 孔雀 向导 常州 康熙 易经 赖以 文物 施展 洪流 辛亥 柳树 牛奶
        温州 尤其 路上 伍佰 靳家 阴影 游客 殷切 焦点 景德 景象 习惯 屈指 项城 祝愿
        章丘 鲁能 岳麓 欧洲 简单 简便 柴油 邢台 房地 耿耿 阎王 翟家 季度 管道 卜算
        裴家 冉冉 鲍鱼 饶河 庞大 滕州 苗头 凌晨 费用 纪念 仇恨 骆驼 蓝天 沙漠 隋唐
        解放 车库 兰花 符号 封面 麦田 桂林 丛书 樊城 巫山 栾川 窦娥 蒲公 臧否 宫廷
        郁闷 喻体 盛大 盛会 刁难 匡正 米饭 储备 练习 池塘 宗教 甄别 荣誉 荣获 尚且
        郎中 霍乱 褚家 蒙古 闵行 卓越 宿迁 揭示 商量 毕节 邬家 邝家 卞家 冷静 谷歌
        戈壁 贝壳 鞠躬 阳光 帅气 初期 智力 茅屋 虞城 薄弱 禹城 伏笔 冀州 逯家 农场
        应对 应用 佟家 苑家 杭州 粟米 居民 居住 厉害 牟利 芮城 仲裁 扈从 相比 邰家
        鄢陵 酆都 甘心 申请 艾草 祁连 涂料 连接 舒服 单一 左边 鄂尔 綦江 湛江 闻讯
        晋级 娄底 苟且 诸城 巩义 时候 时刻 明天 宁波 成都 齐鲁 包头 代替 关爱 查看
        芦苇 汝州 缑氏 常熟 江门 黄山 黄金 安徽 安阳 万元 余名 时任 周期 周末 方针
        文艺 平安
        """
    )
)

# Forms of address: they end a name but are not titles.
HONORIFICS = ("同志们", "同志", "老师", "先生", "女士", "师傅", "博士", "同学")

# Title heads. Modifiers (副, 常务副 …) and party-body prefixes (党组, 党委 …)
# combine with them in ``TITLE_UNIT``.
TITLE_HEADS = _words(
    """
    总书记 书记 常委 委员 成员 主任委员 主任 主席 院长 所长 校长 部长 局长 处长
    科长 厅长 司长 署长 省长 市长 区长 县长 州长 镇长 乡长 组长 队长 社长 台长
    馆长 站长 行长 会长 理事长 董事长 秘书长 总经理 经理 总裁 总编辑 主编 总监
    总工程师 总会计师 总经济师 总师 院士 研究员 教授 讲师 博士生导师 导师
    首席专家 专家 科学家 总指挥 巡视员 调研员 督学 主委 政委 总理 国务委员
    委员长 检察长 审计长 组织部部长 宣传部部长 统战部部长 组织部长 宣传部长
    统战部长 系主任 院领导 校领导 所领导 首席研究员 首席科学家 工程师 监事长
    理事 董事 参事 大使 总会计 馆员 干事 总干事
    """
)

TITLE_MODIFIERS = _words(
    """
    常务副 执行副 第一副 副 常务 执行 第一 名誉 荣誉 首席 兼职 特聘 客座 兼任
    代理 资深 高级 正高级 二级 三级 终身 特邀
            原 前
        """
)

PARTY_BODIES = _words(
    """
    党组 党委 党工委 党总支 党支部 纪委 纪工委 纪检组 监委 团委 工会 党组纪检组
    """
)


def trie_pattern(words):
    """One regex alternation for many words, factored as a trie.

    Python's ``re`` tries the branches of ``a|b|c`` one after the other at every
    position; factored by prefix, a failing position costs a character test or
    two. Longer words are tried first, as in a longest-first alternation.
    """
    root = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node):
        end = "" in node
        branches = [re.escape(c) + build(child) for c, child in node.items() if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return "(?:" + build(root) + ")"


def _alternation(words):
    return trie_pattern(set(words))


def _first_chars(*lists):
    chars = {word[0] for words in lists for word in words}
    return "[" + "".join(sorted(chars)) + "]"


# One title: 党组副书记, 常务副市长, 首席研究员, 院长, 组织部部长 … but not the 委员
# of 委员会 nor a 长 that goes on (市长期).
TITLE_UNIT = re.compile(
    f"(?={_first_chars(PARTY_BODIES, TITLE_MODIFIERS, TITLE_HEADS)})"
    f"{_alternation(PARTY_BODIES)}?{_alternation(TITLE_MODIFIERS)}?"
    f"{_alternation(TITLE_HEADS)}"
    "(?!(?<=常委|委员|理事|董事)会)(?![长期远久效])"
)

# Level bodies whose short form is written into a title (市委书记 at 市委,
# 区委常委 at 区委): the level character and the body are part of the title.
LEVEL_BODY = re.compile(
    r"^(?:[省市区县州镇乡])(?:委|政府|人大常委会|人大|政协|纪委|监委)$"
)
# Posts of a level's government: 副市长 belongs to 市政府 when no body is named.
LEVEL_GOVERNMENT_HEADS = {
    "总书记": "党中央",
    "市长": "市政府",
    "省长": "省政府",
    "区长": "区政府",
    "县长": "县政府",
    "州长": "州政府",
    "镇长": "镇政府",
    "乡长": "乡政府",
}
# Titles whose body is in their name (组织部部长 at 组织部).
TITLE_OWN_BODY = re.compile(r"^(?:组织|宣传|统战)部")

# A leaders' label before a list of names: 院领导 is a post (the institute's
# leading group), 市领导/区领导 only says the people are city or district leaders.
LEADER_LABEL = re.compile(
    rf"(?:[{CJK}]{{0,3}}[省市区县]|[省市区县])(?:级)?领导(?=[{CJK}])"
)

# Words that may follow a name: speech and action verbs, prepositions, particles.
NAME_FOLLOWERS = _words(
    """
    主持 出席 讲话 指出 强调 要求 表示 介绍 传达 汇报 参加 提出 致辞 宣布 总结
    希望 认为 通报 安排 部署 作了 做了 作出 听取 感谢 会见 调研 考察 视察 看望
    慰问 主讲 发言 宣读 解读 回顾 肯定 充分 同时 一同 一起 一行 分别 首先 随后
    带队 率队 代表 应邀 受邀 出任 当选 担任 说道 称赞 对此 等人 等同志 以及 边听
    不时 就此 也是 还是 作为 先后 共同 围绕 结合 表彰 颁发 签署 签约 批示 讲述
    说明 鼓励 期待 寄语 主持召开 召开 率领 陪同 前往 来到 走访 深入 带领 专程
    出发 重申 谈到 认真
    """
)
NAME_FOLLOWER_CHARS = frozenset(
    "在和与及等也对向就为作做将是的了并还则均都又亦曾已正称说同任率带从到赴于给把被让以讲"
    "、,。;:!?()()“”‘’《》〈〉「」 \n\t/|.,;:!?'\"[]【】"
)

# A count of people after a list: 三位教授, 两名同志.
COUNTED = re.compile(r"[两二三四五六七八九十\d]+[位名个人]")

# Byline lead-ins and credits: names there are not persons of the article.
BYLINE_BEFORE = re.compile(
    r"(?:记者|通讯员|作者|编辑|责编|责任编辑|摄影|摄像|供稿|审核|审稿|校对|发布者|撰稿|来源|文字|图片|实习生)"
    r"[::\s]*$"
)
BYLINE_AFTER = re.compile(
    r"^\s*(?:/|/)?\s*(?:文|摄|审|编|图|供稿|报道|撰稿)(?![{CJK}])|^供稿"
)

# --- Organizations -----------------------------------------------------------------

# Name endings that make an organization, longest first when compiled.
ORG_SUFFIXES = _words(
    """
    委员会 常委会 管委会 工委 办公室 办公厅 研究院 研究所 研究中心 科学院 工程院
    设计院 大学 学院 中学 小学 幼儿园 医院 法院 检察院 国务院 学系 办事处 研究会
    协会 学会 联合会 基金会 商会 总工会 工会 妇联 团委 政协 人大 领导小组 工作组
    纪检监察组 实验室 集团 公司 银行 报社 日报 晚报 早报 时报 电视台 广播电台
    新闻社 通讯社 出版社 杂志社 新闻网 中心 博物馆 图书馆 纪念馆 科技馆 美术馆
    档案馆 党组 党委 党总支 党支部 党工委 纪委 监委 政府 监会 局 厅 部 署 处 所
    院 委 办 社
            司
        """
)
ORG_SUFFIX_RE = re.compile(_alternation(ORG_SUFFIXES))

# Characters after a one-character suffix that show it is part of another word
# (部署, 局面, 院长, 所有, 处理 …); 长 makes it a title head.
SUFFIX_NOT_BEFORE = {
    "部": "署分门队件位落长会委",
    "局": "面势限长部",
    "院": "长士校所属线子落务会领",
    "所": "有以在属得谓长需能做为说提形带",
    "处": "理置于在分罚长室境事",
    "委": "员托屈婉",
    "办": "法理公事学好成",
    "厅": "长",
    "署": "名长",
    "社": "会区长",
    "司": "长机法令空",
    "中心": "组",
    "党组": "织",
    "党委": "",
    "中学": "习生",
    "小学": "习生",
}
# Characters before a one-character suffix that make another word (干部, 大局 …).
SUFFIX_NOT_AFTER = {
    "部": "干全内外局东西南北中底头腹胸背面上下后前本总支系各俱细",
    "局": "大全格布当结开终时残僵变骗赌饭定出新战好",
    "院": "全本我寺庭剧影书",
    "所": "场住厕诊派之无有其我本各哨",
    "处": "之到好坏深远近各此难益长短相共去出四何用住我本",
    "委": "常部编",
    "办": "举创承主合协兴督包代照筹查难怎好我",
    "厅": "大餐客门展前",
    "署": "部签",
    "社": "公结报",
    "司": "公上官",
    "中心": "围绕",
}
# One-character 所 is a body only after these (科研所, 事务所, 派出所, 检测所).
SUO_AFTER = "研究务出测计察验疗育"
# One-character 社 likewise (报社, 新华社, 出版社, 旅行社, 合作社).
SHE_AFTER = "报华讯版志行作闻"

# Words that never sit inside a name: a name starts after the last of them.
CUT_WORDS = _words(
    """
    召开 主持 举行 出席 参加 指出 强调 要求 推动 推进 加强 加快 贯彻 落实 学习
    传达 解决 进一步 继续 持续 深入 全面 积极 认真 充分 发挥 符合 围绕 按照 根据
    通过 结合 坚持 确保 实现 带领 率领 宣布 听取 汇报 介绍 表示 希望 提出 作出
    做好 抓好 开好 打造 支持 感谢 以及 同时 分别 共同 一同 邀请 来到 前往 走进
    走访 参观 考察 调研 视察 看望 慰问 会见 论坛 讲话 精神 活动 期间 之际 以来
    目前 当前 今年 去年 明年 近日 日前 此次 本次 这次 上午 下午 晚上 领会 深刻
    把握 把 据悉 根据 依据 简称 下称 进行 开展 举办 推出 发起 组建 成立 建立
    依托
    """
)
CUT_RE = re.compile(_alternation(CUT_WORDS))
# Bodies of a level need the level in their name (项城市委, 市政府, 局党组).
LEVEL_SUFFIXES = frozenset(["政府", "人大", "政协", "委", "纪委", "监委", "厅"])
PARTY_SUFFIXES = frozenset(["党组", "党委", "党总支", "党支部", "党工委", "团委"])

# 常委会, 编委: 委 after 常 is the title 常委, but 市委编委 is a body.
SUFFIX_NOT_AFTER_EXCEPT = {"编委"}

# Nationally known bodies without a telling suffix.
KNOWN_ORGS = _words(
    """
    党中央 中共中央 全国人大 全国政协 中央军委 国务院 新华社 中纪委 中央纪委
    国家监委 行政院 立法院 监察院 司法院 考试院
    """
)

# Where a name starts: the nation, its central bodies, provinces and big cities.
ANCHORS = _words(
    """
    中华人民共和国 中国共产党 中国 中华 中共 中央 国家 国务院 全国 北京 天津
    上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北
    湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆
    香港 澳门 深圳 广州 南京 杭州 武汉 成都 西安 郑州 苏州 青岛 大连 宁波 厦门
    沈阳 长沙 哈尔滨 济南 合肥 福州 长春 石家庄 太原 南昌 南宁 昆明 贵阳 兰州
    西宁 银川 乌鲁木齐 呼和浩特 拉萨 海口 台北 东莞 佛山 无锡 珠海
    """
)
ANCHOR_RE = re.compile(_alternation(ANCHORS))
PLACE_PREFIX = re.compile(rf"[{CJK}]{{2,3}}[省市县区州](?=[{CJK}])")

# Leading words that are not part of a name: verbs and adverbs before an object.
LEADING_WORDS = _words(
    """
    推进 推动 建设 支持 围绕 加强  召开 举行 参加 出席 学习 传达 领会 落实
    贯彻 服务 融入 深化 调整 优化 管理 联合 依托 成立 组建 设立 走访 调研 考察
    视察 看望 慰问 访问 来到 前往 到访 会见 邀请 委托 感谢 代表 表彰 发布 印发
    批准 任命 聘任 当选 担任 作为 包括 其中 还有 全体 所有 各个 各级 紧密 积极
    深入 全面 大力 持续 加快 进一步 切实 认真 扎实 不断 充分 主动 努力 共同 统筹
    准确 把握 制约 影响 结合 按照 根据 通过 经过 报请 报送 报告 提交 提请 协调
    配合 指导 要求 以及 并 牵头 协同 会同 联系 对接 携手 依靠 促进 确保 实现
    打造 培育 引进 引导 鼓励 归口 监督 关于 相关 有关 新型 一流 高水平 研究型
    地方 各地 各 全 有关 上级 下级 其他 其它 兄弟 直属 所属 下属 基层 职能 主管
    业务 重点 各类 多家 多个 部分 该 本 首批 部市 共建 驻 赴 在京 暨 既 又 同时
    分别 以 继续 解决 指出 符合 发挥 坚持 学校 我校 全校
            据 据悉
        """
)
LEADING_RE = re.compile(_alternation(LEADING_WORDS))
# Names made only of such words are generic (有关部门, 地方政府).
GENERIC_NAMES = frozenset(LEADING_WORDS) | frozenset(
    [
        "学校",
        "学院",
        "大学",
        "政府",
        "单位",
        "部门",
        "机关",
        "企业",
        "地方",
        "高校",
        "院所",
        "院校",
        "相关",
    ]
)

# Characters that end a name to the left: punctuation and function words.
ORG_HARD_STOPS = frozenset(
    "的了是在向由从对被将赴于这其也都就又还而但即给让令等曾已为到受要暨"
    "、,。;:!?()()“”‘’《》〈〉「」【】[] \n\t/|.,;:!?'\"0123456789"
)
ORG_CONJUNCTIONS = frozenset("和与及或同")

# A venue: 在…中心召开, …中心报告厅.
VENUE_SUFFIXES = ("中心", "馆", "会堂", "大厦", "宾馆", "酒店", "广场")
VENUE_AFTER = re.compile(
    r"[^,。;、,;]{0,6}?(?:厅|室|楼|会场|礼堂|广场)|召开|举行|举办|闭幕|开幕|隆重"
)

# Relative forms: they name the writer's own body (校党委, 院务委员会, 研究院) and
# are an organization only as another name of one the text names in full.
RELATIVE_START = frozenset("校院系所")
LEVEL_CHARS = frozenset("省市区县州镇乡局厅")

ALIAS_DEFINITION = re.compile(
    r"[((]\s*(?:以下|下文)?(?:简称|下称|统称|称)\s*[“\"'‘「『]?"
    rf"(?P<alias>[{CJK}A-Za-z0-9]{{2,12}})[”\"'’」』]?\s*[))]"
)
