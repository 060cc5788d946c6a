"""Starting texts and attributes of the Open311 services (keyed by the category codes that
ship in events/data/categories.csv); a county edits them in the admin."""

from django.db import migrations

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]

PROFILES = [
    # service_code, description, keywords, service_notice ("" = the general notice)
    ("city-appearance", "街面脏乱、乱堆乱放、户外广告等影响市容的问题。", "市容, 街面, 脏乱差", ""),
    (
        "street-vending",
        "流动摊贩、出店经营等占用道路和人行道经营的行为。",
        "占道经营, 流动摊贩, 出店经营, 摆摊",
        "",
    ),
    ("clutter", "在道路、楼道、公共场所乱堆物料和杂物。", "乱堆乱放, 堆物, 杂物, 楼道堆物", ""),
    ("outdoor-ads", "违规设置或破损的户外广告、店招、横幅。", "户外广告, 店招, 横幅, 广告牌", ""),
    (
        "sanitation",
        "垃圾未及时清运、道路不洁、乱倒垃圾等环境卫生问题。",
        "环境卫生, 垃圾, 清扫, 乱倒垃圾",
        "",
    ),
    (
        "illegal-construction",
        "未经批准搭建、加层、改建等违法建设行为。",
        "违法建设, 违建, 私搭乱建, 加层",
        "",
    ),
    (
        "landscaping",
        "毁绿占绿、树木倒伏或需要修剪等园林绿化问题。",
        "园林绿化, 毁绿, 树木, 草坪",
        "",
    ),
    (
        "property-management",
        "小区物业服务、公共设施维护、装修管理等问题。",
        "物业, 小区, 电梯, 装修",
        "",
    ),
    ("pollution", "噪声、大气、固体废物、水等各类环境污染。", "环境污染, 污染", ""),
    (
        "noise",
        "施工、经营、娱乐、交通等噪声影响居民休息和生活。",
        "噪声, 噪音, 扰民, 施工噪声, 广场舞",
        "",
    ),
    ("air-pollution", "露天焚烧、餐饮油烟、扬尘等大气污染。", "大气污染, 露天焚烧, 油烟, 扬尘", ""),
    ("solid-waste", "建筑垃圾、工业固体废物乱倒乱弃。", "固体废物, 建筑垃圾, 乱倒", ""),
    ("water-pollution", "向河道和其他水体排放污水、倾倒废弃物。", "水污染, 排污, 河道, 污水", ""),
    (
        "gas-safety",
        "燃气使用和经营中的安全隐患。",
        "燃气, 煤气, 液化气, 气瓶",
        "本渠道不受理紧急警情：闻到燃气泄漏请立即离开现场并拨打燃气抢修电话或 119。",
    ),
    (
        "food-safety",
        "无证经营、食品过期变质、餐饮卫生等食品安全问题。",
        "食品安全, 过期食品, 餐饮卫生, 无证经营",
        "",
    ),
    (
        "market-order",
        "价格欺诈、无照经营、虚假宣传等市场秩序问题。",
        "市场秩序, 价格, 无照经营, 虚假宣传",
        "",
    ),
    (
        "transport",
        "非法营运、道路损坏、车辆占道影响通行等交通运输问题。",
        "交通运输, 非法营运, 黑车, 道路损坏, 违停",
        "",
    ),
    ("agriculture", "秸秆焚烧、农资质量等农业农村问题。", "农业, 秸秆, 农资, 农药", ""),
    ("forestry", "滥伐林木、毁坏林地等问题。", "林业, 林木, 林地, 砍树", ""),
    ("water-source", "饮用水水源保护区内的违法行为。", "水源保护, 饮用水, 水源地", ""),
    ("land-use", "违法占地、违反规划建设等问题。", "土地, 规划, 占地", ""),
    (
        "work-safety",
        "生产经营单位的安全隐患、违规作业。",
        "安全生产, 安全隐患, 违规作业",
        "本渠道不受理紧急警情：正在发生的事故请立即拨打 119 或 110。",
    ),
    ("health", "非法行医、公共场所卫生等卫生健康问题。", "卫生健康, 非法行医, 公共卫生", ""),
    (
        "disputes",
        "邻里、物业、劳资等需要调解的矛盾纠纷。",
        "矛盾纠纷, 邻里纠纷, 调解",
        "由所在村（社区）的行政执法联络站就近调解，并把结果反馈给您。",
    ),
    ("other", "不属于以上类别的问题。", "其他", ""),
]

ATTRIBUTES = [
    # service_code ("" = every service), code, question, datatype, input hint, required,
    # order, values, binding
    (
        "",
        "occurred_at",
        "问题是什么时候发生或发现的？",
        "datetime",
        "ISO 8601 日期时间，例如 2024-05-01T20:30:00+08:00",
        False,
        90,
        [],
        "occurred_at",
    ),
    (
        "",
        "anonymous",
        "是否匿名？选“是”则您的姓名不会出现在任何公开页面上。",
        "singlevaluelist",
        "",
        False,
        91,
        YES_NO,
        "is_anonymous",
    ),
    (
        "noise",
        "noise_source",
        "噪声来自哪里？",
        "singlevaluelist",
        "",
        True,
        1,
        [
            {"key": "construction", "name": "建筑施工"},
            {"key": "industrial", "name": "工业生产"},
            {"key": "commercial", "name": "商业经营（店铺、娱乐场所）"},
            {"key": "social", "name": "社会生活（邻里、广场活动）"},
            {"key": "traffic", "name": "交通运输（车辆、鸣笛）"},
        ],
        "",
    ),
    (
        "noise",
        "noise_period",
        "噪声出现在什么时段？",
        "singlevaluelist",
        "",
        False,
        2,
        [
            {"key": "day", "name": "昼间（6:00–22:00）"},
            {"key": "night", "name": "夜间（22:00–次日 6:00）"},
            {"key": "both", "name": "昼夜都有"},
        ],
        "",
    ),
    (
        "street-vending",
        "stall_count",
        "大约有几个摊位？",
        "number",
        "整数，例如 3",
        False,
        1,
        [],
        "",
    ),
    (
        "transport",
        "plate_number",
        "涉及车辆的车牌号（如有）",
        "string",
        "例如 浙F12345",
        False,
        1,
        [],
        "",
    ),
    (
        "transport",
        "road_blocked",
        "是否已经影响通行？",
        "singlevaluelist",
        "",
        False,
        2,
        YES_NO,
        "",
    ),
    ("food-safety", "shop_name", "商户或店铺名称（如知道）", "string", "", False, 1, [], ""),
    (
        "illegal-construction",
        "building_stage",
        "建设处于什么阶段？",
        "singlevaluelist",
        "",
        False,
        1,
        [
            {"key": "building", "name": "正在施工"},
            {"key": "finished", "name": "已经建成"},
        ],
        "",
    ),
    (
        "sanitation",
        "waste_kinds",
        "涉及哪些垃圾？（可多选）",
        "multivaluelist",
        "",
        False,
        1,
        [
            {"key": "household", "name": "生活垃圾"},
            {"key": "construction", "name": "建筑垃圾"},
            {"key": "bulky", "name": "大件垃圾"},
            {"key": "other", "name": "其他"},
        ],
        "",
    ),
]


def add_defaults(apps, schema_editor):
    ServiceProfile = apps.get_model("open311", "ServiceProfile")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for code, description, keywords, notice in PROFILES:
        ServiceProfile.objects.get_or_create(
            service_code=code,
            defaults={"description": description, "keywords": keywords, "service_notice": notice},
        )
    for (
        service_code,
        code,
        question,
        datatype,
        hint,
        required,
        order,
        values,
        binding,
    ) in ATTRIBUTES:
        ServiceAttribute.objects.get_or_create(
            service_code=service_code,
            code=code,
            defaults={
                "description": question,
                "datatype": datatype,
                "datatype_description": hint,
                "required": required,
                "order": order,
                "values": values,
                "binding": binding,
            },
        )


def remove_defaults(apps, schema_editor):
    ServiceProfile = apps.get_model("open311", "ServiceProfile")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    ServiceProfile.objects.filter(service_code__in=[p[0] for p in PROFILES]).delete()
    for service_code, code, *_rest in ATTRIBUTES:
        ServiceAttribute.objects.filter(service_code=service_code, code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
