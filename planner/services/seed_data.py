"""The demo data flask seed loads: users, and groups each with a route from sample_routes/ and an upcoming outing.

The English groups come first; the Chinese ones (Hangzhou, Beijing, Shenzhen) have their own meeting points,
welcome post and thread, written as people write them in Chinese outdoor groups.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_USERS = {  # key -> display name; emails are KEY@demo.planner.example
    "ana": "Ana Lin",
    "ben": "Ben Okafor",
    "chen": "Chen Wei",
    "dara": "Dara Schmidt",
    "eli": "Eli Moreau",
    "fatima": "Fatima Noor",
    "wangfang": "王芳",
    "lilei": "李雷",
}
ENGLISH_MEETING_POINTS = (  # (name, fraction along the route line in degrees, as PostGIS interpolates; notes)
    ("Start", 0.0, "Look for the green flag."),
    ("Halfway regroup", 0.4, "Short break; late joiners welcome."),
)


@dataclass(frozen=True)
class DemoGroup:
    """A demo group with its outing."""

    name: str
    interest: str
    lat: float
    lon: float
    timezone: str
    owner: str
    members: tuple[str, ...]
    route_file: str
    title: str
    difficulty: str
    weekday: int  # 5 = Saturday
    hour: int
    capacity: int
    description: str
    visibility: str = "public"
    minute: int = 0
    details: str = ""  # the outing's text; empty: the description and a line about the route, in English
    meeting_points: tuple[tuple[str, float, str], ...] = ENGLISH_MEETING_POINTS
    welcome: str = ""  # the first post on the group's board; empty: an English welcome
    thread: tuple[tuple[str, str], ...] = ()  # (author key, text) under the outing, replies to the first; empty: POSTS
    joins: tuple[tuple[str, str], ...] = ()  # (member key, meeting point name) for those who join on the way


CHINESE_GROUPS = (
    DemoGroup(
        name="西湖夜跑团",
        interest="running",
        lat=30.2590,
        lon=120.1630,
        timezone="Asia/Shanghai",
        owner="wangfang",
        members=("lilei", "chen", "ana"),
        route_file="hangzhou-west-lake-night-run.gpx",
        title="周三西湖夜跑：断桥—白堤—苏堤",
        difficulty="easy",
        weekday=2,
        hour=19,
        minute=30,
        capacity=30,
        description="杭州西湖边的夜跑小组，每周三晚上约跑，配速6到7分钟，新手友好。跑完经常一起吃宵夜。",
        details=(
            "湖滨音乐喷泉出发，经断桥、白堤、孤山和苏堤，沿南山路跑回湖滨，全程约9公里，基本是平路。\n\n"
            "配速6分10秒左右，领队王芳控速，掉队了会等。晚上光线暗，请穿亮色衣服、带头灯；"
            "苏堤上散步的人多，注意避让。\n\n报名时选集合点：湖滨出发，或者在苏堤北口中途加入。"
        ),
        meeting_points=(
            ("湖滨音乐喷泉", 0.0, "提前10分钟到，穿亮色衣服，带头灯。"),
            ("苏堤北口（跨虹桥）", 0.329, "中途加入的跑友在桥头等，别往前跑。"),
        ),
        welcome="欢迎加入**西湖夜跑团**！新朋友先在下面做个自我介绍：平时跑多远，配速多少。",
        thread=(
            ("wangfang", "这周三照常约跑！7点半湖滨音乐喷泉集合，9公里左右，配速6分10。报名的在下面说一声。"),
            ("lilei", "报名！下班过来可能赶不上7点半，我在苏堤北口等你们。"),
            ("wangfang", "没问题，苏堤北口已经加成第二个集合点了，报名时选它就行。"),
            ("chen", "+1，跑完一起去吃片儿川？"),
        ),
        joins=(("lilei", "苏堤北口（跨虹桥）"),),
    ),
    DemoGroup(
        name="北京周末徒步",
        interest="hiking",
        lat=39.9042,
        lon=116.4074,
        timezone="Asia/Shanghai",
        owner="lilei",
        members=("wangfang", "fatima", "chen"),
        route_file="beijing-mutianyu-great-wall-hike.gpx",
        title="慕田峪长城徒步：6号敌楼到20号敌楼往返",
        difficulty="moderate",
        weekday=5,
        hour=9,
        capacity=16,
        description="北京的周末徒步小组：长城、香山、京西古道，基本每周六出发，坐公交往返。领队有户外急救证。",
        details=(
            "早上7点在东直门枢纽站坐916快到怀柔，再拼车到慕田峪村，9点村口集合出发。\n\n"
            "从村口走台阶步道上6号敌楼，沿城墙向西走到20号敌楼，远眺牛角边，然后原路返回。"
            "全程约5.5公里，累计爬升500多米，台阶又陡又多：穿防滑鞋，带1.5升水和午饭。\n\n"
            "膝盖不好的可以坐缆车到14号敌楼，在第二个集合点和大家会合。"
        ),
        meeting_points=(
            ("慕田峪村口", 0.0, "9点准时出发，先上厕所、买水。"),
            ("14号敌楼（缆车上站）", 0.384, "坐缆车上来的队友在这里等，领队会清点人数。"),
        ),
        welcome="欢迎加入**北京周末徒步**！报名前请看看每次活动的难度和爬升，量力而行。",
        thread=(
            ("lilei", "周六去慕田峪长城，6号敌楼到20号敌楼往返。7点东直门坐916快，9点村口集合，别迟到。"),
            ("wangfang", "报名了。需要带登山杖吗？"),
            ("lilei", "下台阶的时候很有用，建议带。20号敌楼前那段特别陡，慢慢走，我在最后收队。"),
            ("fatima", "I'll take the cable car and meet you at tower 14. 我在14号敌楼等大家！"),
        ),
        joins=(("fatima", "14号敌楼（缆车上站）"),),
    ),
    DemoGroup(
        name="深圳湾骑行",
        interest="cycling",
        lat=22.5180,
        lon=113.9800,
        timezone="Asia/Shanghai",
        owner="chen",
        members=("ben", "wangfang"),
        route_file="shenzhen-bay-coastal-ride.gpx",
        title="周日早骑：红树林到海上世界",
        difficulty="easy",
        weekday=6,
        hour=7,
        capacity=20,
        description="沿深圳湾滨海休闲带慢慢骑，周末早上出发，时速15到18公里，共享单车也欢迎。",
        details=(
            "早上7点红树林海滨生态公园门口集合，沿深圳湾一路向西骑行，经日出剧场、深圳湾口岸到蛇口海上世界，"
            "全程约11公里，都是平路。\n\n必须戴头盔。公园里行人多，过沙河口和口岸时下车推行。"
            "终点是地铁2号线海上世界站，可以坐地铁回，也可以一起骑回去。"
        ),
        meeting_points=(
            ("红树林海滨生态公园", 0.0, "门口有共享单车，提前10分钟到扫码。"),
            ("日出剧场", 0.34, "休息5分钟，中途加入的在剧场台阶等。"),
        ),
        welcome="欢迎加入**深圳湾骑行**！骑行前检查刹车和胎压，头盔一定要戴。",
        thread=(
            ("chen", "周日早上7点红树林出发，骑到海上世界，平路11公里，新手也可以。记得戴头盔！"),
            ("ben", "Can I come on a shared bike? 共享单车可以吗？"),
            ("chen", "可以，公园门口就有，提前10分钟到扫码。速度不快，大家一起走。"),
            ("wangfang", "出差到深圳正好赶上，报名！我在日出剧场加入。"),
        ),
        joins=(("wangfang", "日出剧场"),),
    ),
)


GROUPS = (
    DemoGroup(
        "Hangzhou Weekend Hikers",
        "hiking",
        30.2500,
        120.1450,
        "Asia/Shanghai",
        "ana",
        ("ben", "chen", "eli"),
        "hangzhou-west-lake-hills-hike.gpx",
        "West Lake hills: Baoshi Hill to Leifeng Pagoda",
        "easy",
        5,
        8,
        12,
        "Easy-going hikes in the hills around West Lake, most Saturdays. Tea afterwards.",
    ),
    DemoGroup(
        "Hangzhou Weekend Hikers",
        "hiking",
        30.2500,
        120.1450,
        "Asia/Shanghai",
        "ana",
        (),
        "hangzhou-jiuxi-longjing-maojiabu-route.gpx",
        "Tea villages: Jiuxi, Longjing and Maojiabu",
        "easy",
        6,
        9,
        15,
        "",
    ),
    DemoGroup(
        "Beijing Western Hills Hiking Club",
        "hiking",
        39.9900,
        116.1900,
        "Asia/Shanghai",
        "chen",
        ("ana", "fatima"),
        "beijing-fragrant-hills-loop.gpx",
        "Fragrant Hills loop to Xianglu Peak",
        "moderate",
        5,
        8,
        10,
        "Hikes in Beijing's Western Hills. Bring water: there is little on the ridges.",
    ),
    DemoGroup(
        "Shenzhen Peak Baggers",
        "hiking",
        22.5800,
        114.2000,
        "Asia/Shanghai",
        "chen",
        ("ben",),
        "shenzhen-wutong-mountain-hike.gpx",
        "Wutong Mountain by the Hero Slope",
        "hard",
        6,
        7,
        8,
        "Steep climbs around Shenzhen. Sturdy shoes, 2 litres of water, no flip-flops.",
    ),
    DemoGroup(
        "Shanghai Riverside Riders",
        "cycling",
        31.1900,
        121.4700,
        "Asia/Shanghai",
        "eli",
        ("ana", "dara"),
        "shanghai-west-bund-riverside-ride.gpx",
        "West Bund riverside spin",
        "easy",
        6,
        7,
        20,
        "Relaxed rides along the Huangpu greenways. Any bike welcome; helmets required.",
    ),
    DemoGroup(
        "Hangzhou Lakeside Cycling",
        "cycling",
        30.2590,
        120.1630,
        "Asia/Shanghai",
        "ben",
        ("chen",),
        "hangzhou-west-lake-loop-ride.gpx",
        "Sunrise lap of West Lake",
        "easy",
        5,
        6,
        16,
        "Early laps of West Lake before the crowds.",
    ),
    DemoGroup(
        "Zürichsee Road Cycling Club",
        "cycling",
        47.3668,
        8.5448,
        "Europe/Zurich",
        "dara",
        ("eli", "fatima"),
        "zurich-lakeshore-ride.gpx",
        "Round the lake to Rapperswil",
        "moderate",
        5,
        9,
        14,
        "Road rides around Lake Zurich at a chatty 25 km/h. Coffee stop in Rapperswil.",
    ),
    DemoGroup(
        "Richmond Park Runners",
        "running",
        51.4496,
        -0.2957,
        "Europe/London",
        "fatima",
        ("dara", "ben"),
        "london-richmond-park-run.gpx",
        "Tamsin Trail long run",
        "moderate",
        6,
        9,
        25,
        "Weekend long runs around Richmond Park. All paces, nobody left behind.",
    ),
    DemoGroup(
        "Berlin Wald & Wasser Wanderer",
        "hiking",
        52.4883,
        13.2610,
        "Europe/Berlin",
        "dara",
        ("eli",),
        "berlin-grunewald-havel-hike.gpx",
        "Grunewald and the Havel: Teufelsberg to Nikolassee",
        "easy",
        6,
        10,
        18,
        "Forest and lakeside walks in Berlin's Grunewald.",
    ),
    DemoGroup(
        "Tiergarten Morning Runners",
        "running",
        52.5163,
        13.3770,
        "Europe/Berlin",
        "eli",
        ("dara",),
        "berlin-tiergarten-run.gpx",
        "Tiergarten figure of eight",
        "easy",
        2,
        7,
        30,
        "Wednesday morning runs through the Tiergarten. Members only; ask to join.",
        "private",
    ),
    *CHINESE_GROUPS,
)

POSTS = (
    ("Who is bringing the tea? I can carry a thermos for four.", "Count me in for snacks."),
    ("Forecast looks dry. Meet 10 minutes early to sort the car-share.", "I'll be at the first meeting point."),
)
