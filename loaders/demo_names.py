"""Name pools for the demo ledger: a 二七区-like district of Zhengzhou, all names fictional.

Kept apart from ``loaders.demo`` so the generator reads as logic, not as word lists.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Space-separated words: long pools read better as text than as list literals."""
    return text.split()


DISTRICT = "二七区"
DISTRICT_CODE = "410103"  # region code prefix of the demo's ID numbers

# The 16 streets and towns of the district scale; (name, is_town).
STREETS: list[tuple[str, bool]] = [
    ("大学路街道", False),
    ("淮河路街道", False),
    ("建中街街道", False),
    ("五里堡街道", False),
    ("福华街街道", False),
    ("解放路街道", False),
    ("一马路街道", False),
    ("铭功路街道", False),
    ("蜜蜂张街道", False),
    ("嵩山路街道", False),
    ("京广路街道", False),
    ("长江路街道", False),
    ("人和路街道", False),
    ("德化街街道", False),
    ("马寨镇", True),
    ("侯寨乡", True),
]

# Road and place stems for communities, compounds, extra streets and units.
STEMS: list[str] = _words(
    "陇海 兴华 保全 齐礼阎 大学 政通 航海 冯庄 淮河 庆丰 祥云 汝河 建中 工人 民主 苗圃 五里堡 "
    "光华 康复 华山 福华 钱塘 绿荫 钢花 解放 敦睦 正兴 顺河 一马 红旗 交通 长春 铭功 二马 "
    "杏园 万达 蜜蜂张 秦岭 沁河 桃源 嵩山 文化宫 碧云 贺江 京广 兴华南 幸福 团结 长江 伊河 "
    "大学南 金海 人和 永安 新华 碧波 樱桃沟 马寨 侯寨 尖岗 刘砦 南屏 二七 德化 万寿 火车站 "
    "兴隆 裕华 春风 紫荆 清华园 朝阳 锦绣 翠竹 润华 汇丰 时代 和谐 安居 康宁 鑫苑 绿城 名门 "
    "阳光 水岸 花园 金水 绿地 正商 升龙 亚星 永威 美景 天伦 怡丰 泰和 瑞祥 嘉园 东方 西岗 "
    "南湖 北岸 中岳 少室 太室 黄河 洛河 伏牛 桐柏 淮源 郑新 郑密 中原 华夏 卧龙 柿园 连云 "
    "滨河 凯旋 兴园 荣华 锦华 东风 建设 淮北 长兴 侯砦 郭家咀 关虎屯 五一 申庄 贾岗 罗沟 "
    "王庄 杨庄 李湾 张寨 赵坡 陈岗 吕沟 孙庄 周堂 吴家 郑庄 冯湾 褚寨 卫庄 蒋岗 沈庄 韩寨"
)

VILLAGE_SUFFIX = "村"
COMMUNITY_SUFFIX = "社区"
COMPOUND_SUFFIXES: list[str] = ["小区", "家园", "花园", "苑", "家属院", "新城", "名苑", "公寓"]
EXTRA_STREET_SUFFIX = "街道"
EXTRA_TOWN_SUFFIX = "镇"

VOLUNTEER_THEMES: list[str] = [
    "红马甲",
    "银发先锋",
    "巾帼",
    "青年突击",
    "平安守护",
    "环保",
    "邻里守望",
    "文明劝导",
]

PROPERTY_BRANDS: list[str] = [
    "建业",
    "正商",
    "绿都",
    "康桥",
    "鑫苑",
    "亚星",
    "永威",
    "美景",
    "升龙",
    "天伦",
    "裕华",
    "锦艺",
    "瀚海",
    "中原",
    "华润",
    "保利",
    "万科",
    "碧桂园",
    "润丰",
    "宏达",
]

SOCIAL_ORG_TYPES: list[str] = [
    "社会工作服务中心",
    "养老服务中心",
    "人民调解委员会",
    "青少年成长服务中心",
    "助残服务社",
    "文体协会",
    "家庭教育指导中心",
    "法律服务社",
    "心理咨询服务中心",
    "乡贤理事会",
]

UNIT_TEMPLATES: list[str] = [
    "二七区财政局",
    "二七区教育局",
    "二七区卫生健康委员会",
    "二七区市场监督管理局",
    "二七区城市管理局",
    "二七区人力资源和社会保障局",
    "二七区民政局",
    "二七区司法局",
    "二七区住房和城乡建设局",
    "二七区应急管理局",
    "二七区税务局",
    "二七区文化广电和旅游局",
    "郑州市{stem}中学",
    "郑州市{stem}小学",
    "国网郑州供电公司{stem}供电所",
    "中国建设银行郑州{stem}支行",
    "中国工商银行郑州{stem}支行",
    "郑州市{stem}医院",
    "{stem}派出所",
    "郑州{stem}实业有限公司",
    "中国移动郑州{stem}营业部",
    "郑州市{stem}消防救援站",
]

BUSINESS_TYPES: list[str] = ["超市", "药房", "餐饮店", "便利店", "家政服务部", "维修部", "理发店"]

# Ordered by frequency: the generator weighs the first surnames far more.
SURNAMES: list[str] = _words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
    "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
    "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 "
    "万 钱 严 覃 武 戴 莫 孔 向 汤 常 牛 申 欧阳 司马"
)
GIVEN_CHARS: list[str] = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅文志新春海波燕飞鹏宇浩然子轩"
    "欣怡雨涵梓萱思远佳琪一博家豪俊杰嘉怡晨阳振东德胜淑珍秀英丽娟卫东红霞建华永强国庆金凤"
)

PHONE_PREFIXES: list[str] = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 175 "
    "176 177 180 181 182 183 185 186 187 188 189 198 199"
)
# Henan region codes for the first six digits of ID numbers (most people are local).
REGION_CODES: list[str] = [
    DISTRICT_CODE,
    "410102",
    "410104",
    "410105",
    "410122",
    "410181",
    "410182",
    "410185",
    "411302",
    "410703",
    "411102",
    "411503",
]

# Matter titles and resource names per domain.
MATTER_TITLES: dict[str, list[str]] = {
    "elderly_care": ["独居老人助餐需求", "适老化改造申请", "老人日间照料需求", "高龄老人探访"],
    "childcare": ["托育服务需求", "暑期托管需求", "儿童活动场地需求"],
    "safety": ["楼道堆物消防隐患", "电动车入户充电", "小区监控损坏", "夜间照明不足"],
    "environment": ["垃圾清运不及时", "绿化带杂草清理", "噪音扰民", "违规占道经营"],
    "employment": ["失业人员就业帮扶", "灵活就业技能培训", "高校毕业生求职"],
    "health": ["慢病随访需求", "上门体检需求", "家庭医生签约"],
    "culture": ["文体活动场地需求", "广场舞音响纠纷", "社区图书角建设"],
    "legal": ["邻里纠纷调解", "物业费纠纷咨询", "劳动争议法律咨询"],
    "repair": ["楼道灯损坏报修", "下水道堵塞", "屋顶漏水", "电梯故障", "单元门禁损坏"],
    "other": ["居民意见建议", "证明开具咨询", "其他诉求"],
}

RESOURCE_NAMES: dict[str, list[str]] = {
    "elderly_care": ["助老餐", "上门助浴服务", "适老化改造补贴", "日间照料床位"],
    "childcare": ["托管班名额", "儿童之家场地", "亲子活动课程"],
    "safety": ["消防器材", "平安巡逻服务", "安全隐患排查"],
    "environment": ["环境整治志愿服务", "绿化养护", "垃圾分类宣讲"],
    "employment": ["就业岗位", "技能培训名额", "创业指导"],
    "health": ["义诊服务", "健康讲座", "家庭医生服务"],
    "culture": ["活动室", "文艺培训课程", "图书捐赠"],
    "legal": ["法律咨询", "人民调解服务", "普法讲座"],
    "repair": ["便民维修服务", "公共设施维修基金", "电梯维保"],
    "other": ["便民服务", "微心愿资金", "爱心物资"],
}
