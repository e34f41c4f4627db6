#!/bin/sh
# Draws the demo portal's short campaign video (static/videos/2026/cyber-week-promo.mp4):
# 8 seconds of title cards in the theme's colours, H.264 + AAC, under 200 KB.
# Needs Debian's ffmpeg (apt-get install -y ffmpeg) and Noto CJK fonts. The captions
# beside it (cyber-week-promo.vtt) are written by hand.
set -eu
cd "$(dirname "$0")/.."
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
[ -f "$font" ] || font=/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc
out=static/videos/2026/cyber-week-promo.mp4
card() { # text, y, size, start, end
  printf "drawtext=fontfile=%s:text='%s':fontcolor=white:fontsize=%s:x=(w-text_w)/2:y=%s:enable='between(t,%s,%s)'" \
    "$font" "$1" "$3" "$2" "$4" "$5"
}
filters="$(card '2026年临川市网络安全宣传周' 90 30 0 8),$(card '网络安全为人民' 150 40 0 4),$(card '网络安全靠人民' 150 40 4 8),$(card '9月14日—20日 · 市民中心广场' 210 20 2 8)"
ffmpeg -y -loglevel error \
  -f lavfi -i "color=c=0x0b3a7e:s=480x270:r=12:d=8" \
  -f lavfi -i "anullsrc=r=22050:cl=mono" \
  -vf "drawbox=x=0:y=0:w=iw:h=12:color=0xc8161d:t=fill,$filters" \
  -c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -movflags +faststart \
  -c:a aac -b:a 16k -shortest -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
  "$out"
ls -l "$out"
# Its poster: a frame of the second card, processed like every image of assets/.
ffmpeg -y -loglevel error -ss 5 -i "$out" -frames:v 1 -q:v 3 -map_metadata -1 -fflags +bitexact \
  assets/images/cyber-week-2026-promo-poster.jpg
