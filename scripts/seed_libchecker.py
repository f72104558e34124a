#!/usr/bin/env python3
"""Seed data/signatures/sdks/libchecker.toml from LibChecker-Rules (Apache-2.0).

One-off generator, kept for reproducibility: it reads
../shared/reference/libchecker-rules/{rules.csv,rule_meta.json} and the
hand-curated sdks/*.toml, and writes an [[sdk]] entry for every LibChecker
label whose rules are not already covered by a curated entry. Labels that
overlap a curated entry are printed (merge them by hand). The output is data:
review it, then commit it; rerunning overwrites it.
"""
import collections, csv, json, os, re, sys, tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REF = os.path.join(ROOT, "..", "shared", "reference", "libchecker-rules")
SDKS = os.path.join(ROOT, "data", "signatures", "sdks")
OUT = os.path.join(SDKS, "libchecker.toml")
OUT_OWNERS = os.path.join(ROOT, "data", "signatures", "owners-libchecker.toml")

# Platform / toolkit labels that are not third-party SDKs in the report's sense.
SKIP_PREFIX = ("Jetpack", "Kotlin", "Support Library", "Material Design", "Fcitx", "libIME",
               "C++ 共享库", "File Provider", "RenderScript", "Legacy Photo Picker",
               "Open Source Notices", "Trichrome", "zipalign", "FrameSequence", "Android Crazy")
# Chinese / ambiguous labels → (id, English name).
LABEL_NAMES = {
    "360 加固": ("qihoo-jiagu", None), "一键登录 SDK": ("lc-one-click-login", "One-click login SDK (unattributed)"),
    "乐播 SDK": ("hpplay-lebo", None), "人像美化 SDK": ("megvii-beauty", "Megvii portrait beautification SDK"),
    "团结引擎": ("tuanjie-engine", "Tuanjie engine (Unity China)"), "屹通 SDK": ("yitong-sdk", "Yitong mobile banking SDK"),
    "岳鹰 SDK": ("yueying-apm", "Yueying APM (UC / Alibaba)"), "思必驰": ("aispeech", "AISpeech SDK"),
    "星火认知大模型": ("iflytek-spark", "iFlytek Spark LLM SDK"), "文字识别服务": ("youdao-ocr", "Youdao OCR"),
    "正版曲库直通车": ("tencent-music-licensing", "Tencent licensed music library SDK"),
    "滴滴 SDK": ("didi-sdk", "DiDi SDK"), "火山引擎云手机 SDK": ("volcengine-cloud-phone", "Volcengine cloud phone SDK"),
    "烈焰弹幕使": ("bilibili-danmaku", "Bilibili DanmakuFlameMaster"), "美摄 SDK": ("meishe-sdk", "Meishe video SDK"),
    "腾讯流量联盟": ("tencent-traffic-union", "Tencent traffic union SDK"), "腾讯特效 SDK": ("tencent-effect", "Tencent effects SDK"),
    "腾讯语音识别": ("tencent-asr", "Tencent speech recognition"), "阿里云游戏盾": ("aliyun-game-shield", "Alibaba Cloud game shield"),
    "阿里云短视频 SDK": ("aliyun-svideo", "Alibaba Cloud short video SDK"), "阿里云语音服务 SDK": ("aliyun-nls", "Alibaba Cloud speech service SDK"),
    "小爱 SDK": ("xiaomi-xiaoai", "Xiaomi XiaoAi voice SDK"), "小米 IoT SDK": ("xiaomi-iot", "Xiaomi IoT SDK"),
    "小米更新 SDK": ("xiaomi-update", "Xiaomi update SDK"), "vivo 网游联运 SDK": ("vivo-game", "vivo game SDK"),
    "快应用": ("quick-app", "Quick App runtime"), "网易云捕": ("netease-crash", "NetEase crash capture (云捕)"),
    "Faceunity Nama SDK": ("faceunity-nama", None), "FinClip": ("finclip", None), "Bmob 后端云": ("bmob", "Bmob back-end cloud"),
    "EasyAR": ("easyar", None), "JusTalk Cloud": ("justalk-cloud", None), "vad": ("aispeech-vad", "AISpeech VAD"),
    "离线语音合成": ("iflytek-offline-tts", "iFlytek offline TTS"),
}
TEAM_OWNER = {
    "Tencent": "tencent", "Google": "google", "Alibaba": "alibaba", "Facebook": "meta", "Baidu": "baidu",
    "ByteDance": "bytedance", "Bytedance": "bytedance", "Huawei": "huawei", "HUAWEI": "huawei", "Agora": "agora",
    "Alipay": "ant-group", "Volcengine": "volcengine", "火山引擎": "volcengine", "智齿科技": "zhichi", "Netease": "netease",
    "极光": "aurora-mobile", "Aurora 极光": "aurora-mobile", "Aliyun": "aliyun", "Xiaomi": "xiaomi", "个推": "getui",
    "旷视": "megvii", "Umeng": "umeng", "iQIYI": "iqiyi", "Weibo": "weibo", "融云 RongCloud": "rongcloud",
    "Microsoft": "microsoft", "Square": "square-oss", "Bilibili": "bilibili", "快手": "kuaishou", "KwaiAppTeam": "kuaishou",
    "梆梆安全": "bangcle", "Unity Technologies": "unity", "Unity": "unity", "Unity 中国": "unity",
    "北京智游网安科技有限公司": "ijiami", "vivo": "vivo", "OPPO": "oppo", "360": "qihoo360", "Qihoo360": "qihoo360",
    "广州佰锐网络科技有限公司": "anychat", "Hpplay": "hpplay", "银联": "unionpay", "Didi": "didi", "ironSource Mobile": "ironsource",
    "创蓝云智": "chuanglan", "JD": "jd", "AppLovin": "applovin", "中国金融认证中心 (CFCA)": "cfca", "Mapbox": "mapbox",
    "Sentry": "sentry", "CMB": "cmb", "中国移动": "china-mobile", "神策": "sensorsdata", "Zhihu": "lc-zhihu",
    "移动安全联盟": "msa", "Instabug": "instabug", "Meizu": "meizu", "MobClub": "mob", "Douyin": "bytedance",
    "Xiaohongshu": "xiaohongshu", "China Telecom": "china-telecom", "TapTap": "tapdb", "数字天堂": "dcloud", "七牛云": "qiniu",
    "科大讯飞": "iflytek", "iFlyTek": "iflytek", "美洽": "meiqia", "环信": "easemob", "即构": "zego", "Kingsoft": "kingsoft",
    "顶象": "dingxiang", "数美": "shumei", "同盾科技有限公司": "tongdun", "公安部第三研究所": "mps-third-institute",
    "北京数字联盟网络科技有限公司": "digital-union", "Bugsnag": "bugsnag", "AdColony": "adcolony", "Adjust": "adjust",
    "Yandex": "yandex", "Dropbox": "dropbox", "Epic Games": "epic", "Godot Developers": "godot", "Meituan-Dianping": "meituan",
    "ACRA": "acra", "高德": "amap", "Android": None, "?": None, "": None,
}
OWNER_FOR_LABEL = {"快应用": "lc-quick-app-alliance", "一键登录 SDK": None, "岳鹰 SDK": "alibaba", "文字识别服务": "netease",
                   "思必驰": "lc-aispeech", "vad": "lc-aispeech", "星火认知大模型": "iflytek", "HUAWEI Push": "huawei",
                   "HUAWEI AR Engine": "huawei", "HUAWEI DTM": "huawei", "HUAWEI Health Kit": "huawei", "HONOR Push": "honor",
                   "小米更新 SDK": "xiaomi", "TBS": "tencent", "Kwai Ad SDK": "kuaishou", "JAd SDK": "jd", "QAPM": "tencent",
                   "人脸核身 SDK": "tencent", "腾讯云通信": "tencent", "TRTC SDK": "tencent", "阿里云号码认证 SDK": "aliyun",
                   "阿里云语音服务 SDK": "aliyun", "融云 IM": "rongcloud", "U-App SDK": "umeng", "U-Share": "umeng",
                   "UTDID": "alibaba", "FCM": "google", "Google Mobile Service": "google", "Games plugin for Unity": "google",
                   "MMA SDK": "lc-mma", "Ping++": "lc-pingxx", "PayPal": "paypal", "MSDK": "tencent", "Hermes": "meta",
                   "Flipper ": "meta", "Mapbox Mobile Events": "mapbox", "日志服务 SLS": "aliyun", "APMInsight": "volcengine",
                   "AGC APM": "huawei", "Frame Pacing": "google", "Google Ink ": "google", "Smart App Updates": "google",
                   "realm": "realm", "ViroCore": "lc-viro-media", "kraken": "alibaba", "RIRT": None, "ABSCL": None}
CATEGORY_WORDS = [
    (("push", "推送"), "push"), (("ad ", "ads", "广告", "admob", "audience network", "tanx", "推广", "流量联盟", "ad sdk"), "advertising"),
    (("analytics", "统计", "分析", "datafinder", "beacon", "灯塔", "apm", "koom", "matrix", "qapm", "日志"), "analytics"),
    (("crash", "bugly", "xcrash", "云捕", "crasheye", "breakpad"), "crash-reporting"),
    (("加固", "安全", "乐固", "protect", "爱加密", "易盾", "shield", "游戏盾", "防水墙", "rootbeer", "antifaker", "easyprotector"), "protection"),
    (("人脸", "face", "实人", "核身", "旷视", "优图", "人像", "megvii"), "face-recognition"),
    (("地图", "map", "lbs", "定位"), "maps"), (("pay", "支付", "银联", "米大师", "wallet"), "payments"),
    (("登录", "login", "认证", "帐号", "账号", "oauth", "sign-in", "appauth"), "identification"),
    (("分享", "share", "微博", "开放平台", "社交"), "social"), (("客服", "七鱼"), "customer-support"),
    (("im", "通信", "云信", "rtc", "音视频", "语音", "voice", "直播", "视频", "player", "ffmpeg", "media", "vlc", "audio", "video", "codec", "opus", "vorbis", "speex", "lame", "x264", "webp", "gif", "image", "jpeg", "avif"), "media"),
    (("小程序", "快应用", "finclip", "mpaas", "nebula"), "mini-programs"),
    (("flutter", "react native", "xamarin", "weex", "dcloud", "hippy", "kraken", "uni"), "cross-platform"),
    (("unity", "unreal", "godot", "cocos", "libgdx", "laya", "gamemaker", "ren'py", "sdl", "团结引擎"), "game-engine"),
    (("tinker", "hotfix", "热修复", "replugin", "virtual", "neptune", "qigsaw", "mira", "update", "更新", "andfix"), "app-update"),
]


def categories_for(label):
    """Keyword guess from the label only: ASCII words at word boundaries,
    Chinese words as substrings. Default: development."""
    low = label.lower()
    def hit(w):
        w = w.strip()
        if w.isascii():
            return re.search(r"(?<![a-z0-9])" + re.escape(w) + r"(?![a-z0-9])", low) is not None
        return w in low
    cats = [c for words, c in CATEGORY_WORDS if any(hit(w) for w in words)]
    return cats[:2] or ["development"]


def slug(s):
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s


def regex_to_rule(name, kind):
    """LibChecker regex → our pattern, or None when it has no simple form."""
    if kind in ("native_lib",):
        g = name.replace("(.*)", "*").replace("\\.", ".")
        return g if re.fullmatch(r"lib[A-Za-z0-9_\-.+*]+\.so", g) else None
    if name.endswith(".(.*)"):
        return ("package", name[:-5])
    return None


def covered_pkg(name, prefixes):
    parts = name.split(".")
    return any(".".join(parts[:i]) in prefixes for i in range(1, len(parts) + 1))


def glob_match(pat, s):
    return re.fullmatch(re.escape(pat).replace("\\*", ".*"), s) is not None


def main():
    curated = []
    for f in sorted(os.listdir(SDKS)):
        if f.endswith(".toml") and f != "libchecker.toml":
            with open(os.path.join(SDKS, f), "rb") as fh:
                curated += tomllib.load(fh).get("sdk", [])
    pkg = {p: s["id"] for s in curated for p in s.get("packages", [])}
    comp = {c: s["id"] for s in curated for c in s.get("components", [])}
    libs = [(l, s["id"]) for s in curated for l in s.get("native_libs", [])]
    ids = {s["id"] for s in curated}
    with open(os.path.join(ROOT, "data", "signatures", "schema.toml"), "rb") as fh:
        too_broad = set(tomllib.load(fh)["validation"]["too_broad_prefixes"])

    meta = json.load(open(os.path.join(REF, "rule_meta.json"), encoding="utf-8"))
    team, url = {}, {}
    for m in meta:
        team.setdefault(m["label"], collections.Counter())[m["team"]] += 1
        url.setdefault(m["label"], m["relativeUrl"])
    rows = list(csv.DictReader(open(os.path.join(REF, "rules.csv"), encoding="utf-8")))
    by = collections.defaultdict(list)
    for r in rows:
        by[r["label"]].append(r)

    def owner_of(label):
        if label in OWNER_FOR_LABEL:
            return OWNER_FOR_LABEL[label]
        t = team.get(label, collections.Counter()).most_common(1)
        t = t[0][0] if t else "?"
        if t in TEAM_OWNER:
            return TEAM_OWNER[t]
        return "lc-" + slug(t) if slug(t) else None

    out, owners, merge = [], {}, collections.defaultdict(list)
    for label, rs in sorted(by.items()):
        if label.startswith(SKIP_PREFIX) or "Proxy)" in label:
            continue
        rules = {"packages": [], "components": [], "native_libs": []}
        hit = set()
        for r in rs:
            kind, name, rx = r["type"], r["name"], r["is_regex"] == "1"
            if rx:
                conv = regex_to_rule(name, kind)
                if conv is None:
                    continue
                if isinstance(conv, tuple):
                    kind, name = "dex_package", conv[1]
                else:
                    name = conv
            if kind == "native_lib" and not name.endswith(".so"):
                continue
            if kind in ("dex_package", "static_lib") and name in too_broad:
                continue
            if kind == "native_lib":
                owner_hit = [i for (l, i) in libs if l == name or glob_match(l, name)]
                if owner_hit:
                    hit.add(owner_hit[0])
                elif name not in rules["native_libs"]:
                    rules["native_libs"].append(name)
            elif kind == "dex_package" or kind == "static_lib":
                if covered_pkg(name, pkg):
                    hit.add(pkg[next(".".join(name.split(".")[:i]) for i in range(len(name.split(".")), 0, -1) if ".".join(name.split(".")[:i]) in pkg)])
                elif name not in rules["packages"]:
                    rules["packages"].append(name)
            else:
                if name in comp:
                    hit.add(comp[name])
                elif covered_pkg(name, pkg):
                    hit.add("(package)")
                elif name not in rules["components"] and "$" not in name and "[" not in name:
                    rules["components"].append(name)
        left = sum(len(v) for v in rules.values())
        if hit:
            if left:
                merge[label] = (sorted(hit), rules)
            continue
        if not left:
            continue
        sid, name = LABEL_NAMES.get(label, (None, None))
        name = name or label
        if sid is None:
            if not re.fullmatch(r"[\x20-\x7e]+", label):
                print(f"skip (no id for Chinese label): {label}", file=sys.stderr)
                continue
            sid = slug(label)
        if sid in ids:
            sid = "lc-" + sid
        own = owner_of(label)
        if own is None:
            print(f"skip (no owner): {label}", file=sys.stderr)
            continue
        if own.startswith("lc-"):
            t = team.get(label, collections.Counter()).most_common(1)
            owners[own] = t[0][0] if t and t[0][0] not in ("?", "") else own[3:]
        cats = categories_for(label)
        ids.add(sid)
        out.append((sid, name, cats, own, url.get(label) or None, rules, label))

    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# GENERATED by scripts/seed_libchecker.py from LibChecker-Rules (Apache-2.0,\n"
                "# github.com/LibChecker/LibChecker-Rules @ 3ec8753a0bb53843793e19537bcaf7cd73b9a05d).\n"
                "# One entry per LibChecker label not covered by the curated files; categories are\n"
                "# keyword guesses. Review before editing by hand; see README.md.\n")
        for sid, name, cats, own, web, rules, label in out:
            f.write("\n[[sdk]]\n")
            f.write(f"id = {json.dumps(sid)}\nname = {json.dumps(name, ensure_ascii=False)}\n")
            f.write(f"categories = {json.dumps(cats)}\nowner = {json.dumps(own)}\n")
            if web and web.startswith("http"):
                f.write(f"website = {json.dumps(web)}\n")
            for k, v in rules.items():
                if v:
                    f.write(f"{k} = {json.dumps(v, ensure_ascii=False)}\n")
            f.write(f"source = [{json.dumps('LibChecker-Rules label ' + label, ensure_ascii=False)}]\n")
    with open(OUT_OWNERS, "w", encoding="utf-8") as f:
        f.write("# GENERATED by scripts/seed_libchecker.py: organisations named only by the\n"
                "# LibChecker-Rules 'team' field (Apache-2.0). No country or ownership claims.\n")
        for k, v in sorted(owners.items()):
            f.write(f"\n[owner.{k}]\nname = {json.dumps(v, ensure_ascii=False)}\n"
                    f"sources = [\"LibChecker-Rules rule_meta.json team field\"]\n")
    print(f"wrote {len(out)} sdks, {len(owners)} owners", file=sys.stderr)
    for label, (hit, rules) in sorted(merge.items()):
        print(f"MERGE {label} -> {hit}: {json.dumps({k: v for k, v in rules.items() if v}, ensure_ascii=False)}")


main()
