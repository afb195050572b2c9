"""Realistic words for the 1M-event data set of bench/search.py: titles and descriptions in English and Chinese.

bench/_nearby_data.py loads outings called 'Outing n'; this gives them (once, kept in the database while the
rows stay) titles and descriptions drawn from a vocabulary, skewed so that a few words are common and most are
rare, as in real names: 70 % English ("Sunday morning easy hike to Lion Rock"), 30 % Chinese ("周末西湖夜跑"),
and names to the groups and routes too. The GIN indexes are dropped during the update and built again after it.
"""

from __future__ import annotations

import time

import psycopg

CHINESE_SHARE = 0.3
EN_DAYS = ["Sunday", "Saturday", "Weekend", "Thursday", "Wednesday", "Friday", "Tuesday", "Monday"]
EN_TIMES = ["morning", "evening", "night", "sunrise", "afternoon", "sunset", "early", "lunchtime"]
EN_ADJECTIVES = [
    "easy", "social", "beginner", "scenic", "fast", "long", "gentle", "hilly", "coastal", "family", "steady",
    "relaxed", "challenging", "winter", "summer", "autumn", "spring", "full-moon", "midweek", "recovery",
]  # fmt: skip
EN_NOUNS = ["ride", "hike", "run", "walk", "loop", "trail run", "climb", "trek", "ramble", "spin", "jog", "tour"]
EN_PLACES = [
    "the river", "the lake", "Lion Rock", "the harbour", "Old Town", "the ridge", "the valley", "Castle Hill",
    "the forest", "the coast", "Green Park", "the reservoir", "Eagle Peak", "the canal", "Bluebell Wood",
    "the lighthouse", "Fox Hollow", "Devil's Dyke", "Mill Lane", "the waterfall", "Hawk Crag", "Stone Bridge",
    "Kingfisher Lake", "the old railway", "Pine Ridge", "Juniper Hill", "Red Cliffs", "the quarry", "Tern Bay",
    "Windy Gap", "Heron Marsh", "Bramble Down", "Silver Beck", "Oak Common", "Raven Tor", "the moors",
    "Beacon Hill", "Otter Creek", "Larch Forest", "Summit Lake", "Cedar Falls", "Granite Point", "Maple Glen",
    "Willow Reach", "Ashdown", "Thornbury Edge", "Puffin Head", "Lantern Hill", "Marram Dunes", "Saltmarsh",
    "Glacier View", "Ironbridge", "Copper Mine", "Wolf Pass", "Osprey Loch", "Badger Sett", "Gorse Heath",
    "Nightjar Common", "Skylark Fields", "Chalk Downs",
]  # fmt: skip
EN_SENTENCES = [
    "Bring water and a snack.", "Lights are required after dark.", "Dogs on leads welcome.",
    "We stop for coffee halfway.", "Helmets are compulsory.", "No one gets dropped.", "Trail shoes recommended.",
    "Expect some mud after rain.", "Parking is limited, please share lifts.", "Suitable for newcomers.",
    "We regroup at every junction.", "Waterproofs advised.", "Pub afterwards for those who fancy it.",
    "Some steep climbs and rocky descents.", "Photos will be shared in the group.",
]  # fmt: skip
EN_PACES = ["relaxed", "steady", "moderate", "brisk", "fast", "chatty"]
CN_PLACES = [
    "西湖", "千岛湖", "龙井", "九溪", "灵隐", "北高峰", "钱塘江", "滨江", "莫干山", "天目山", "白堤", "苏堤",
    "梅家坞", "宝石山", "超山", "良渚", "湘湖", "径山", "香山", "长城", "颐和园", "奥森", "外滩", "佘山",
    "滴水湖", "梧桐山", "大梅沙", "白云山", "珠江", "东湖", "岳麓山", "洱海", "玉龙雪山", "泰山", "黄山",
    "华山", "武功山", "四姑娘山", "青城山", "都江堰",
]  # fmt: skip
CN_TIMES = ["周末", "周六", "周日", "清晨", "早晨", "傍晚", "夜间", "周三晚", "假日", "国庆"]
CN_ACTIVITIES = ["夜跑", "徒步", "骑行", "慢跑", "登山", "环湖骑行", "越野跑", "健走", "爬山", "穿越", "晨跑"]
CN_SUFFIXES = ["活动", "一日游", "训练", "约跑", "小分队", "休闲游", "拉练"]
CN_SENTENCES = [
    "请带好饮用水和头灯。", "新手友好，不落下任何人。", "中途在茶园休息。", "雨天改期，请留意群通知。",
    "全程有收尾队员。", "结束后一起吃饭。", "注意防晒。", "山路湿滑，请穿登山鞋。",
]  # fmt: skip
CN_PACES = ["休闲配速", "中等配速", "较快配速"]


def _array(words: list[str]) -> str:
    """A SQL array literal of our own constant words."""
    return "ARRAY[" + ", ".join("'" + word.replace("'", "''") + "'" for word in words) + "]"


def _pick(words: list[str]) -> str:
    """SQL of one of words per row, skewed towards the first (index floor(n * random()^2))."""
    return f"({_array(words)})[1 + floor({len(words)} * random() ^ 2)::int]"


def _maybe(share: float, sql: str) -> str:
    """SQL of sql for a share of rows, else NULL (concat_ws skips it)."""
    return f"CASE WHEN random() < {share} THEN {sql} END"


EN_TITLE = (
    f"concat_ws(' ', {_maybe(0.5, _pick(EN_DAYS))}, {_maybe(0.5, _pick(EN_TIMES))}, "
    f"{_maybe(0.4, _pick(EN_ADJECTIVES))}, {_pick(EN_NOUNS)}, "
    f"{_maybe(0.6, f'(ARRAY[$$to$$, $$at$$, $$around$$])[1 + floor(3 * random())::int] || $$ $$ || {_pick(EN_PLACES)}')})"
)
EN_DESCRIPTION = (
    f"concat_ws(' ', 'Meet at ' || {_pick(EN_PLACES)} || '.', initcap({_pick(EN_PACES)}) || ' pace, about ' "
    f"|| (5 + floor(40 * random()))::int || ' km.', {_pick(EN_SENTENCES)}, {_maybe(0.5, _pick(EN_SENTENCES))})"
)
CN_TITLE = f"concat({_maybe(0.5, _pick(CN_TIMES))}, {_pick(CN_PLACES)}, {_pick(CN_ACTIVITIES)}, {_maybe(0.4, _pick(CN_SUFFIXES))})"
CN_DESCRIPTION = (
    f"concat('在', {_pick(CN_PLACES)}, '集合，', {_pick(CN_PACES)}, '，全程约', (5 + floor(40 * random()))::int, "
    f"'公里。', {_pick(CN_SENTENCES)}, {_maybe(0.5, _pick(CN_SENTENCES))})"
)
GROUP_NAME = (
    f"CASE WHEN random() < {CHINESE_SHARE} THEN concat({_pick(CN_PLACES)}, {_pick(CN_ACTIVITIES)}, '俱乐部') "
    f"ELSE initcap(concat_ws(' ', {_pick(EN_PLACES)}, {_pick(EN_NOUNS)}, 'club')) END"
)
ROUTE_NAME = (
    f"CASE WHEN random() < {CHINESE_SHARE} THEN concat({_pick(CN_PLACES)}, {_pick(CN_ACTIVITIES)}, '路线') "
    f"ELSE initcap(concat_ws(' ', {_pick(EN_PLACES)}, {_pick(EN_NOUNS)}, '(' || {_pick(EN_ADJECTIVES)} || ')')) END"
)
INDEXES = {
    "events": "ix_events_search_vector",
    "groups": "ix_groups_search_vector",
    "routes": "ix_routes_search_vector",
}


def has_words(conn: psycopg.Connection) -> bool:
    """Whether the outings already have their words (a fresh load names them 'Outing n')."""
    row = conn.execute("SELECT title FROM events ORDER BY id LIMIT 1").fetchone()
    return row is not None and not row[0].startswith("Outing ")


def add_words(conn: psycopg.Connection) -> float:
    """Give outings, groups and routes their words (GIN indexes rebuilt, tables compacted); seconds taken."""
    started = time.perf_counter()
    for index in INDEXES.values():
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    conn.execute(
        f"""UPDATE events e SET title = w.title, description = w.description
            FROM (SELECT id, CASE WHEN c THEN {CN_TITLE} ELSE {EN_TITLE} END AS title,
                         CASE WHEN c THEN {CN_DESCRIPTION} ELSE {EN_DESCRIPTION} END AS description
                  FROM (SELECT id, random() < {CHINESE_SHARE} AS c FROM events) s) w
            WHERE w.id = e.id"""
    )
    conn.execute(f"UPDATE groups SET name = {GROUP_NAME}")
    conn.execute(f"UPDATE routes SET name = {ROUTE_NAME}")
    # Dead rows of the updates would spread the outings over twice the pages: VACUUM FULL keeps the heap order.
    for table, index in INDEXES.items():
        conn.execute(f"VACUUM FULL {table}")
        conn.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")
        conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - started
